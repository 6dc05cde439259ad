package dev.bbq.pi4j;

import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import java.util.concurrent.TimeUnit;

/** The main classes' consumer: drains frames and prints the counters once a second. */
final class Reporter {
    private Reporter() {
    }

    static void run(FrameConsumer frames, PumpDriver pump, BBQueue queue, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        StringBuilder last = new StringBuilder();
        while (System.nanoTime() < end && pump.isRunning()) {
            frames.drain(frame -> {
                last.setLength(0);
                for (int i = frame.position(); i < Math.min(frame.limit(), frame.position() + 16); i++) {
                    last.append(String.format("%02x ", frame.get(i)));
                }
            }, 256, 100, TimeUnit.MILLISECONDS);
            if (System.nanoTime() - nextReport >= 0) {
                nextReport += TimeUnit.SECONDS.toNanos(1);
                System.out.println(pump.stats() + " last packet: " + last);
            }
        }
        System.out.println("final: " + pump.stats());
        System.out.println("queue: " + queue.stats());
        if (pump.failure() != null) {
            System.out.println("pump stopped: " + pump.failure().getMessage());
        }
    }
}
