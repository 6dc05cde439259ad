package dev.bbq.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A run of {@link Main} on a thread of its own, for a test that feeds it from outside (a device on a
 * pseudo-terminal, a C driver) while it runs; its output can be watched before it ends.
 */
public final class BackgroundRun {
    // ByteArrayOutputStream is synchronized: the test thread may read what the run's thread writes.
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CompletableFuture<Integer> status;

    private BackgroundRun(String... args) {
        status = CompletableFuture.supplyAsync(() -> Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args));
    }

    /**
     * Starts the run.
     *
     * @param args the command line after {@code java -jar bbq-examples.jar}
     * @return the run, going
     */
    public static BackgroundRun start(String... args) {
        return new BackgroundRun(args);
    }

    /**
     * Returns once standard output holds {@code text}.
     *
     * @param text what the run prints when it is ready
     * @param what the moment in words, for the failure message
     * @throws IOException if it does not print it within 20 s
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitOut(String text, String what) throws IOException, InterruptedException {
        Await.until(() -> out().contains(text), what);
    }

    /**
     * Waits for the run's end.
     *
     * @param seconds how long at the most
     * @return the exit status
     * @throws ExecutionException if the run threw
     * @throws TimeoutException if it did not end in time
     * @throws InterruptedException if interrupted while waiting
     */
    public int status(long seconds) throws InterruptedException, ExecutionException, TimeoutException {
        return status.get(seconds, TimeUnit.SECONDS);
    }

    /** @return what went to standard output so far */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return out() + "\n" + err.toString(StandardCharsets.UTF_8);
    }
}
