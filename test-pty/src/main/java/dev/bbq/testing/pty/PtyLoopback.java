package dev.bbq.testing.pty;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One raw pseudo-terminal made by {@code socat} whose output comes back as its input, as a UART
 * with its TX wired to its own RX. Requires the socat command (Debian package socat).
 */
public final class PtyLoopback implements AutoCloseable {
    /** The port: a link {@code ttyLoop} in the test's directory to the pseudo-terminal. */
    public final Path port;
    private final Process socat;

    private PtyLoopback(Path dir) throws IOException, InterruptedException {
        port = dir.resolve("ttyLoop");
        socat = Socat.start(dir, List.of(port), "pty,raw,echo=0,link=" + port, "pipe");
    }

    /**
     * Starts socat with its log in {@code dir} ({@code socat.log}) and returns once the link exists.
     *
     * @param dir the test's directory, where the link {@code ttyLoop} and the log go
     * @return the running loopback; close it to end socat
     * @throws IOException if socat cannot start, or has not made the link within 20 s (the message
     *     holds its log)
     * @throws InterruptedException if interrupted while waiting for the link
     */
    public static PtyLoopback start(Path dir) throws IOException, InterruptedException {
        return new PtyLoopback(dir);
    }

    /**
     * Ends socat and returns once it has exited.
     *
     * @throws InterruptedException if interrupted while waiting for socat to exit
     */
    @Override
    public void close() throws InterruptedException {
        Socat.stop(socat);
    }
}
