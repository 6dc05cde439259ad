package dev.bbq.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command-line tool's loopback mode, on a pseudo-terminal whose output socat feeds back to its input. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SerialPumpMainTest {
    @TempDir
    Path dir;

    @Test
    void loopbackModeGetsEveryFrameBackAndExitsWithZero() throws Exception {
        Path port = dir.resolve("ttyLoop");
        Process socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + port, "pipe")
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(port)) {
                assertTrue(socat.isAlive() && System.nanoTime() < deadline, "socat made no pseudo-terminal");
                Thread.sleep(10);
            }
            assertEquals(0, SerialPumpMain.run(new String[] {"loopback", port.toString(), "--frames", "2000",
                    "--size", "100"}));
        } finally {
            socat.destroy();
            socat.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void badArgumentsExitWithTwo() throws Exception {
        assertEquals(2, SerialPumpMain.run(new String[] {"loopback"}));
        assertEquals(2, SerialPumpMain.run(new String[] {"transmit", "/dev/null"}));
    }
}
