package dev.bbq.testing.pty;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A pair of connected pseudo-terminals made by {@code socat}: what one end writes, the other reads,
 * as with two UARTs wired TX to RX. Both ends are raw (no line discipline, no echo), so every byte
 * arrives as it was written. Requires the socat command (Debian package socat).
 */
public final class PtyPair implements AutoCloseable {
    /** One end: a link {@code ttyA} in the test's directory to the pseudo-terminal socat made. */
    public final Path a;
    /** The other end: a link {@code ttyB} in the test's directory. */
    public final Path b;
    private final Process socat;

    private PtyPair(Path dir) throws IOException, InterruptedException {
        a = dir.resolve("ttyA");
        b = dir.resolve("ttyB");
        socat = Socat.start(dir, List.of(a, b), "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b);
    }

    /**
     * Starts socat with its log in {@code dir} ({@code socat.log}) and returns once both links exist.
     *
     * @param dir the test's directory, where the links {@code ttyA} and {@code ttyB} and the log go
     * @return the running pair; close it to end socat
     * @throws IOException if socat cannot start, or has not made both links within 20 s (the
     *     message holds its log)
     * @throws InterruptedException if interrupted while waiting for the links
     */
    public static PtyPair start(Path dir) throws IOException, InterruptedException {
        return new PtyPair(dir);
    }

    /**
     * Ends socat, as if the cable were pulled: both pseudo-terminals go away. Returns once socat
     * has exited; calling it again does nothing more.
     *
     * @throws InterruptedException if interrupted while waiting for socat to exit
     */
    public void kill() throws InterruptedException {
        Socat.stop(socat);
    }

    /** Ends socat as {@link #kill()} does. */
    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
