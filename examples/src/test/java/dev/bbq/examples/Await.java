package dev.bbq.examples;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Polls a condition another process or thread makes true, with a deadline a loaded machine meets. */
public final class Await {
    private static final long TIMEOUT_SECONDS = 20;

    private Await() {
    }

    /**
     * Returns once {@code condition} holds; checks it every 10 ms.
     *
     * @param condition what to wait for
     * @param what the condition in words, for the failure message
     * @throws IOException if it does not hold within 20 s
     * @throws InterruptedException if interrupted while waiting
     */
    public static void until(BooleanSupplier condition, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
