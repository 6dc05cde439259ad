package dev.bbq.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;
import dev.bbq.QueueFileStatus;
import dev.bbq.ReadGrant;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A C process and this JVM share one queue file, each holding one half: every frame arrives once,
 * in order, intact, and the end of the stream is seen on the other side. The frame count is
 * {@code -Dbbq.c.frames} (10^7 by default); each run prints its rate.
 */
class CrossLanguageTransferTest {
    static final long FRAMES = Long.getLong("bbq.c.frames", 10_000_000L);
    static final int CAPACITY = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void framesFromACProducerReachAJavaConsumerInOrderAndIntact() throws Exception {
        Path file = dir.resolve("c-to-java.bbq");
        BBQueue queue = BBQueue.createMapped(file, CAPACITY);
        FrameConsumer consumer = queue.frameConsumer();
        Process c = CPrograms.start(CPrograms.command(CPrograms.peer(), "produce", file, 1, FRAMES));
        TestFrames.Checker checker = new TestFrames.Checker();
        long start = System.nanoTime();
        while (!consumer.isClosed()) {
            consumer.drain(checker::accept, 4096, 100, TimeUnit.MILLISECONDS);
            if (!c.isAlive() && c.exitValue() != 0) {
                break; // its output below says why
            }
        }
        drainRest(consumer, checker);
        long nanos = System.nanoTime() - start;
        CPrograms.Result result = CPrograms.finish(c, 60);
        assertEquals(0, result.exit, result.output);
        assertEquals(FRAMES, checker.frames, "frames delivered");
        assertEquals(0, checker.firstSeq);
        assertEquals(FRAMES - 1, checker.lastSeq);
        assertEquals(0, QueueFileStatus.read(file).framesCut());
        report("C producer -> Java consumer", nanos);
    }

    @Test
    void framesFromAJavaProducerReachACConsumerInOrderAndIntact() throws Exception {
        Path file = dir.resolve("java-to-c.bbq");
        BBQueue queue = BBQueue.createMapped(file, CAPACITY);
        FrameProducer producer = queue.frameProducer();
        Process c = CPrograms.start(CPrograms.command(CPrograms.peer(), "consume", file));
        byte[] frame = new byte[TestFrames.MAX];
        long start = System.nanoTime();
        for (long seq = 0; seq < FRAMES; seq++) {
            int n = TestFrames.make(frame, 1, seq);
            if (!producer.tryWrite(frame, 0, n) && !producer.write(frame, 0, n, 60, TimeUnit.SECONDS)) {
                throw new AssertionError("no room for 60 s at frame " + seq + "; the C consumer said:\n"
                        + CPrograms.finish(c, 1));
            }
        }
        producer.close();
        CPrograms.Result result = CPrograms.finish(c, 120);
        long nanos = System.nanoTime() - start;
        assertEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("consumed frames=" + FRAMES + " first_run=1 first_seq=0 last_run=1 last_seq="
                + (FRAMES - 1)), result.output);
        report("Java producer -> C consumer", nanos);
    }

    @Test
    void rawBytesFromACProducerArriveAsOneUnbrokenStream() throws Exception {
        long bytes = 20_000_000L;
        Path file = dir.resolve("raw.bbq");
        BBQueue queue = BBQueue.createMapped(file, 64 * 1024 + 3); // odd: grants wrap at every offset
        Consumer consumer = queue.consumer();
        Process c = CPrograms.start(CPrograms.command(CPrograms.peer(), "raw-produce", file, bytes));
        long received = 0;
        while (true) {
            ReadGrant grant = consumer.read(1, TimeUnit.SECONDS);
            if (grant == null) {
                if (consumer.isClosed() || (!c.isAlive() && c.exitValue() != 0)) {
                    break;
                }
                continue;
            }
            ByteBuffer buffer = grant.buffer();
            for (int i = buffer.position(); i < buffer.limit(); i++, received++) {
                if (buffer.get(i) != (byte) (received * 7)) {
                    throw new AssertionError("byte " + received + " is " + buffer.get(i));
                }
            }
            grant.release(buffer.limit() - buffer.position());
        }
        CPrograms.Result result = CPrograms.finish(c, 60);
        assertEquals(0, result.exit, result.output);
        assertEquals(bytes, received);
    }

    /** After the end of the stream was seen, nothing may be left. */
    private static void drainRest(FrameConsumer consumer, TestFrames.Checker checker) {
        if (consumer.isClosed()) {
            assertEquals(0, consumer.drain(checker::accept, Integer.MAX_VALUE), "frames after the end of the stream");
        }
    }

    private static void report(String what, long nanos) {
        System.out.printf("%s: %,d frames in %.1f s (%.2f M frames/s)%n", what, FRAMES, nanos / 1e9,
                FRAMES / (nanos / 1e3));
    }
}
