package dev.bbq.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inspect FILE}: what an operator sees of a running queue file, without taking a half. */
class InspectTest {
    @TempDir
    Path dir;

    @Test
    void inspectShowsModeFillHoldersAndCountersAndTakesNoHalf() throws Exception {
        Path file = dir.resolve("q");
        BBQueue queue = BBQueue.createMapped(file, 4096);
        FrameProducer producer = queue.frameProducer();
        for (int i = 0; i < 5; i++) {
            assertTrue(producer.tryWrite(new byte[15], 0, 15));
        }
        Run run = Run.of("inspect", file.toString());
        assertEquals(0, run.status, run.toString());
        assertTrue(run.out.contains("framed, capacity 4,096 bytes"), run.out);
        assertTrue(run.out.contains("80 bytes in use"), run.out);
        assertTrue(run.out.contains("producer: held, pid " + ProcessHandle.current().pid()), run.out);
        assertTrue(run.out.contains("consumer: free, pid 0 last, 0 attach(es)"), run.out);
        assertTrue(run.out.contains("committed=80 B/5 frames"), run.out);
        // It took nothing: the consumer half is still there to take.
        FrameConsumer consumer = BBQueue.openMapped(file).frameConsumer();
        assertEquals(15, consumer.tryRead().length());
        System.out.print(run.out);
    }

    @Test
    void watchPrintsAgainUntilItsCount() {
        Path file = dir.resolve("w");
        try {
            BBQueue.createMapped(file, 1024);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        Run run = Run.of("inspect", file.toString(), "--watch", "--interval", "10ms", "--count", "3");
        assertEquals(0, run.status, run.toString());
        assertEquals(3, run.out.split("queue file ", -1).length - 1, run.out);
    }

    @Test
    void aMissingOrForeignFileIsOneLineAndStatusOne() throws Exception {
        Run missing = Run.of("inspect", dir.resolve("none").toString());
        assertEquals(1, missing.status, missing.toString());
        assertTrue(missing.err.contains("no queue file"), missing.err);
        Path foreign = dir.resolve("foreign");
        Files.write(foreign, new byte[8192]);
        Run bad = Run.of("inspect", foreign.toString());
        assertEquals(1, bad.status, bad.toString());
        assertTrue(bad.err.contains("not a bbq queue file"), bad.err);
        assertEquals(1, bad.errLines().length, bad.err);
    }
}
