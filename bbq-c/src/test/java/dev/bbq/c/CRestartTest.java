package dev.bbq.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;
import dev.bbq.QueueFileStatus;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A C side killed with SIGKILL mid-stream and started again under the queue file's restart rules:
 * the successor takes the half over, nothing committed is lost, nothing released is delivered
 * again, and the Java side sees what it would see with a Java peer.
 */
class CRestartTest {
    static final int CAPACITY = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void aCProducerKilledBetweenIndexAndFlagLeavesACutFrameItsSuccessorSkips() throws Exception {
        Path file = dir.resolve("cut.bbq");
        FrameConsumer consumer = BBQueue.createMapped(file, CAPACITY).frameConsumer();
        TestFrames.Checker checker = new TestFrames.Checker();
        long dieAt = 100_000;
        // Run 1 dies inside its 100 000th commit, after the index and before the flag (R12).
        Process first = CPrograms.start(CPrograms.command(CPrograms.peer(), "produce", file, 1, 10_000_000,
                "--die-after-index", dieAt));
        while (first.isAlive()) {
            consumer.drain(checker::accept, 4096, 10, TimeUnit.MILLISECONDS);
        }
        CPrograms.Result died = CPrograms.finish(first, 10);
        assertEquals(128 + 9, died.exit, "killed by SIGKILL: " + died.output);
        consumer.drain(checker::accept, Integer.MAX_VALUE);
        assertEquals(dieAt - 1, checker.frames, "every frame before the cut one, and not the cut one");
        assertEquals(0, consumer.drain(checker::accept, 1), "the cut frame wedges nothing, and is not delivered");

        successorProduces(file, consumer, checker);
        assertEquals(dieAt - 1, checker.perRun[1]);
        assertEquals(50_000, checker.perRun[2], "the successor's frames, all of them, after the cut one");
        QueueFileStatus status = QueueFileStatus.read(file);
        assertEquals(1, status.framesCut(), "the successor counted the cut frame");
        assertEquals(2, status.producerAttaches());
    }

    @Test
    void aJavaSuccessorSkipsACProducersCutFrameAndACConsumerPassesOverTheSkipRecord() throws Exception {
        Path file = dir.resolve("java-successor.bbq");
        BBQueue queue = BBQueue.createMapped(file, 1 << 20);
        long dieAt = 1000; // 1000 frames fit: nobody reads yet
        CPrograms.Result died = CPrograms.run(CPrograms.command(CPrograms.peer(), "produce", file, 1, 2000,
                "--die-after-index", dieAt), 60);
        assertEquals(128 + 9, died.exit, "killed by SIGKILL: " + died.output);

        FrameProducer successor = queue.frameProducer(); // QueueFileTakeover.takeOverProducer writes the skip record (R12)
        assertEquals(1, QueueFileStatus.read(file).framesCut());
        byte[] frame = new byte[TestFrames.MAX];
        for (long seq = 0; seq < 500; seq++) {
            assertTrue(successor.tryWrite(frame, 0, TestFrames.make(frame, 2, seq)));
        }
        successor.close();

        CPrograms.Result read = CPrograms.run(CPrograms.command(CPrograms.peer(), "consume", file), 60);
        assertEquals(0, read.exit, read.output);
        assertTrue(read.output.contains("consumed frames=" + (dieAt - 1 + 500)
                + " first_run=1 first_seq=0 last_run=2 last_seq=499"), read.output);
    }

    @Test
    void aCProducerKilledAtAnyMomentLosesNothingCommitted() throws Exception {
        Path file = dir.resolve("kill.bbq");
        FrameConsumer consumer = BBQueue.createMapped(file, CAPACITY).frameConsumer();
        TestFrames.Checker checker = new TestFrames.Checker();
        Process first = CPrograms.start(CPrograms.command(CPrograms.peer(), "produce", file, 1, 1_000_000_000L));
        while (checker.frames < 300_000) {
            consumer.drain(checker::accept, 1000, 1, TimeUnit.SECONDS);
            assertTrue(first.isAlive(), "the producer ended early");
        }
        first.destroyForcibly(); // SIGKILL: no close, mid-stream, maybe mid-commit
        first.waitFor();
        long committed = QueueFileStatus.read(file).stats().framesCommitted();
        consumer.drain(checker::accept, Integer.MAX_VALUE);

        successorProduces(file, consumer, checker);
        // The counter is stored just before the index: a death between the two counts one frame
        // that was never committed, and a death between index and flag one that was cut (R12).
        long delivered = checker.perRun[1];
        assertTrue(delivered == committed || delivered == committed - 1,
                "delivered " + delivered + " of " + committed + " counted commits");
        long cut = QueueFileStatus.read(file).framesCut();
        assertTrue(cut == 0 || (cut == 1 && delivered == committed - 1), "frames cut: " + cut);
        assertEquals(50_000, checker.perRun[2]);
    }

    @Test
    void aCConsumerKilledMidStreamIsSucceededWithoutRedeliveringWhatItReleased() throws Exception {
        Path file = dir.resolve("consumer.bbq");
        FrameProducer producer = BBQueue.createMapped(file, CAPACITY).frameProducer();
        long frames = 1_000_000;
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            byte[] frame = new byte[TestFrames.MAX];
            try {
                for (long seq = 0; seq < frames; seq++) {
                    int n = TestFrames.make(frame, 1, seq);
                    if (!producer.write(frame, 0, n, 60, TimeUnit.SECONDS)) {
                        throw new AssertionError("no room for 60 s at frame " + seq);
                    }
                }
                producer.close();
            } catch (Throwable t) {
                producerFailure.set(t);
            }
        });
        writer.start();
        Process first = CPrograms.start(CPrograms.command(CPrograms.peer(), "consume", file));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (QueueFileStatus.read(file).stats().framesReleased() < frames / 3) {
            assertTrue(first.isAlive() && System.nanoTime() < deadline, "the first consumer ended early or stalled");
            Thread.sleep(5);
        }
        first.destroyForcibly();
        first.waitFor();
        long released = QueueFileStatus.read(file).stats().framesReleased();

        CPrograms.Result second = CPrograms.run(CPrograms.command(CPrograms.peer(), "consume", file), 180);
        writer.join();
        assertEquals(null, producerFailure.get());
        assertEquals(0, second.exit, second.output);
        Matcher m = Pattern.compile("consumed frames=(\\d+) first_run=1 first_seq=(\\d+) last_run=1 last_seq=(\\d+)")
                .matcher(second.output);
        assertTrue(m.find(), second.output);
        long firstSeq = Long.parseLong(m.group(2));
        // The counter is stored just before the read index: a death between the two leaves one frame
        // counted but not released, which the successor gets again (delivery is at least once).
        assertTrue(firstSeq == released || firstSeq == released - 1,
                "the successor starts at " + firstSeq + "; " + released + " frames were released");
        assertEquals(frames - firstSeq, Long.parseLong(m.group(1)));
        assertEquals(frames - 1, Long.parseLong(m.group(3)));
        assertEquals(2, QueueFileStatus.read(file).consumerAttaches());
    }

    /** A second C producer (run 2) writes 50 000 frames and closes; this consumer reads to the end. */
    private static void successorProduces(Path file, FrameConsumer consumer, TestFrames.Checker checker)
            throws Exception {
        Process second = CPrograms.start(CPrograms.command(CPrograms.peer(), "produce", file, 2, 50_000));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!consumer.isClosed()) {
            consumer.drain(checker::accept, 4096, 100, TimeUnit.MILLISECONDS);
            assertTrue(System.nanoTime() < deadline, "no end of stream within 120 s");
        }
        CPrograms.Result result = CPrograms.finish(second, 60);
        assertEquals(0, result.exit, result.output);
    }
}
