package dev.bbq.serial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A pair of connected pseudo-terminals made by {@code socat}: what one end writes, the other reads,
 * as with two UARTs wired TX to RX. Requires the socat command (Debian package socat).
 */
final class Socat implements AutoCloseable {
    final Path a;
    final Path b;
    private final Process process;

    private Socat(Path a, Path b, Process process) {
        this.a = a;
        this.b = b;
        this.process = process;
    }

    static Socat start(Path dir) throws IOException, InterruptedException {
        Path a = dir.resolve("ttyA");
        Path b = dir.resolve("ttyB");
        Process process = new ProcessBuilder("socat", "-d", "-d",
                "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("socat.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(Files.exists(a) && Files.exists(b))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("socat did not create " + a + " and " + b + ": "
                        + Files.readString(dir.resolve("socat.log")));
            }
            Thread.sleep(10);
        }
        return new Socat(a, b, process);
    }

    /** Ends socat, as if the cable were pulled: both pseudo-terminals go away. */
    void kill() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
