package dev.bbq.examples.pumps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.examples.Cli;
import dev.bbq.examples.Run;
import dev.bbq.testing.pty.PtyLoopback;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serial-pump}'s loopback mode, on a pseudo-terminal whose output socat (Debian package socat)
 * feeds back to its input, and its command-line errors.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SerialPumpCommandTest {
    @TempDir
    Path dir;

    @Test
    void loopbackModeGetsEveryFrameBackAndExitsWithZero() throws Exception {
        try (PtyLoopback loop = PtyLoopback.start(dir)) {
            Run run = Run.of("serial-pump", "loopback", loop.port.toString(), "--frames", "2000", "--size", "100");
            assertEquals(Cli.OK, run.status, run.toString());
            assertTrue(run.out.contains("sent 2000 frames, received 2000 in order, 0 out of order"), run.toString());
        }
    }

    @Test
    void badArgumentsExitWithTwo() {
        assertEquals(Cli.USAGE, Run.of("serial-pump", "loopback").status);
        assertEquals(Cli.USAGE, Run.of("serial-pump", "transmit", "/dev/null").status);
        assertEquals(Cli.USAGE, Run.of("serial-pump", "receive", "/dev/null", "--check", "md5").status);
        Run run = Run.of("serial-pump", "receive", "/dev/null", "--baud", "fast");
        assertEquals(Cli.USAGE, run.status, run.toString());
        assertEquals(1, run.errLines().length, run.toString());
    }

    @Test
    void aMissingPortIsOneLineAndStatus1() {
        Run run = Run.of("serial-pump", "receive", dir.resolve("ttyNone").toString(), "--seconds", "1");
        assertEquals(Cli.FAILED, run.status, run.toString());
        assertEquals(1, run.errLines().length, run.toString());
    }
}
