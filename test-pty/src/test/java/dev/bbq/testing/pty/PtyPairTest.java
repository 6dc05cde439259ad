package dev.bbq.testing.pty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the serial tests rely on: the links exist on return, bytes cross raw, and closing ends socat. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PtyPairTest {
    @TempDir
    Path dir;

    @Test
    void whatOneEndWritesTheOtherReadsByteForByteBothWays() throws Exception {
        byte[] sent = {0x00, 0x0A, 0x0D, 0x03, 0x7F, (byte) 0xFF}; // NUL, LF, CR, ^C, DEL: raw, not a line discipline
        try (PtyPair pty = PtyPair.start(dir)) {
            assertArrives(sent, pty.a, pty.b);
            assertArrives(sent, pty.b, pty.a);
        }
    }

    @Test
    void closingEndsSocatAndItsLinksGo() throws Exception {
        PtyPair pty = PtyPair.start(dir);
        assertTrue(Files.exists(pty.a) && Files.exists(pty.b));
        pty.close();
        assertFalse(Files.exists(pty.a) || Files.exists(pty.b), "socat removes its links when it exits");
        pty.close(); // again: nothing more to do
    }

    @Test
    void aLoopbackGivesBackWhatItIsSent() throws Exception {
        byte[] sent = {1, 2, 3, 0, (byte) 0x80};
        try (PtyLoopback loop = PtyLoopback.start(dir)) {
            assertArrives(sent, loop.port, loop.port);
        }
        assertFalse(Files.exists(dir.resolve("ttyLoop")));
    }

    private static void assertArrives(byte[] sent, Path from, Path to) throws IOException {
        try (OutputStream out = Files.newOutputStream(from);
             InputStream in = Files.newInputStream(to)) {
            out.write(sent);
            out.flush();
            assertArrayEquals(sent, in.readNBytes(sent.length));
        }
    }
}
