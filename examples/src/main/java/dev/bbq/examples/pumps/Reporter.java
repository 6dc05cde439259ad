package dev.bbq.examples.pumps;

import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import dev.bbq.examples.Cli;
import dev.bbq.pi4j.I2cPump;
import dev.bbq.pi4j.PumpStats;
import dev.bbq.pi4j.SpiPump;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The consumer of {@code spi-pump} and {@code i2c-pump}: drains frames and prints the pump's counters
 * and the start of the last packet once a second. Loads Pi4J-dependent classes: call it only on Java 21+.
 */
final class Reporter {
    private Reporter() {
    }

    static int run(FrameConsumer frames, SpiPump pump, BBQueue queue, int seconds, PrintWriter out)
            throws InterruptedException {
        return run(frames, pump::isRunning, pump::stats, pump::failure, queue, seconds, out);
    }

    static int run(FrameConsumer frames, I2cPump pump, BBQueue queue, int seconds, PrintWriter out)
            throws InterruptedException {
        return run(frames, pump::isRunning, pump::stats, pump::failure, queue, seconds, out);
    }

    /** @return {@link Cli#OK}, or {@link Cli#FAILED} if the pump stopped on a device failure */
    private static int run(FrameConsumer frames, BooleanSupplier running, Supplier<PumpStats> stats,
                            Supplier<IOException> failure, BBQueue queue, int seconds, PrintWriter out)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        StringBuilder last = new StringBuilder();
        while (System.nanoTime() < end && running.getAsBoolean()) {
            frames.drain(frame -> {
                last.setLength(0);
                for (int i = frame.position(); i < Math.min(frame.limit(), frame.position() + 16); i++) {
                    last.append(String.format("%02x ", frame.get(i)));
                }
            }, 256, 100, TimeUnit.MILLISECONDS);
            if (System.nanoTime() - nextReport >= 0) {
                nextReport += TimeUnit.SECONDS.toNanos(1);
                out.println(stats.get() + " last packet: " + last);
            }
        }
        out.println("final: " + stats.get());
        out.println("queue: " + queue.stats());
        if (failure.get() != null) {
            out.println("pump stopped: " + failure.get().getMessage());
            return Cli.FAILED;
        }
        return Cli.OK;
    }
}
