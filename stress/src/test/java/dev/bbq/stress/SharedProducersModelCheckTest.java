package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.QueueStats;
import dev.bbq.SharedFrameProducer;
import dev.bbq.SharedReusableGrant;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three producer threads and the consumer on one {@link SharedFrameProducer}, under Lincheck's model
 * checker: it runs the threads one step at a time and explores their interleavings (switching
 * threads at shared-memory accesses, lock operations and spin loops), however many CPUs the machine
 * has. This covers what jcstress 0.16 cannot schedule on a 2-CPU machine (its
 * {@code SharedProducersRace.Three*} tests are reported {@code SKIPPED (3 actors, 2 CPUs)} there).
 *
 * <p>In each interleaving, every producer offers its frames with the try-forms ({@code writeOrDrop}, a
 * grant into its own {@link SharedReusableGrant}, {@code tryWrite}), which fail rather than wait while
 * another thread holds the producer or the ring is full, and the consumer reads concurrently. The
 * ring is small, so frames wrap and the ring fills. Checked afterwards, in every interleaving:
 * <ul>
 * <li>every frame arrives whole (its length and every byte are those its producer wrote);</li>
 * <li>exactly the frames whose calls reported success arrive, each producer's in its own order;</li>
 * <li>the queue's counters are exact: committed frames, dropped frames and dropped bytes.</li>
 * </ul>
 */
@Tag("model-check") // run by the stress module's "model-check" surefire execution, without chaos mode
class SharedProducersModelCheckTest {
    private static final int PRODUCERS = 3;
    private static final int FRAMES = 3;
    /** Interleavings explored per test. */
    private static final int INVOCATIONS = 2_000;

    @Test
    void threeProducersAndTheConsumerUnderTheModelChecker() {
        Lincheck.runConcurrentTest(INVOCATIONS, SharedProducersModelCheckTest::oneInterleaving);
    }

    /** A frame of producer {@code id}: 3 to 9 bytes, each one {@code id * 16 + seq}. */
    static byte[] frame(int id, int seq) {
        byte[] frame = new byte[3 + (id * 2 + seq * 3) % 7];
        java.util.Arrays.fill(frame, (byte) (id * 16 + seq));
        return frame;
    }

    private static void oneInterleaving() {
        // 32 bytes: room for about three frames with their headers, so the ring fills and wraps
        BBQueue queue = BBQueue.allocate(32);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        boolean[][] written = new boolean[PRODUCERS][FRAMES]; // each row written by its producer only
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int id = p;
            threads.add(new Thread(() -> {
                SharedReusableGrant grant = new SharedReusableGrant();
                for (int seq = 0; seq < FRAMES; seq++) {
                    byte[] frame = frame(id, seq);
                    switch (seq % 3) {
                        case 0:
                            written[id][seq] = producer.writeOrDrop(frame, 0, frame.length);
                            break;
                        case 1:
                            if (producer.tryGrant(frame.length, grant)) {
                                grant.put(0, frame, 0, frame.length);
                                grant.commit(frame.length);
                                written[id][seq] = true;
                            }
                            break;
                        default:
                            written[id][seq] = producer.tryWrite(frame, 0, frame.length);
                            break;
                    }
                }
            }));
        }
        List<int[]> received = new ArrayList<>();
        Thread reader = new Thread(() -> {
            for (int i = 0; i < 4; i++) {
                readOne(consumer, received);
            }
        });
        threads.forEach(Thread::start);
        reader.start();
        join(threads);
        join(List.of(reader));
        while (readOne(consumer, received)) {
            // what the reader left
        }

        int[] next = new int[PRODUCERS];
        for (int[] idSeq : received) {
            int id = idSeq[0];
            while (next[id] < FRAMES && !written[id][next[id]]) {
                next[id]++; // a frame its producer was refused: it must not arrive
            }
            assertTrue(next[id] < FRAMES && next[id] == idSeq[1],
                    "producer " + id + "'s frame " + idSeq[1] + " arrived in its order, and only if written");
            next[id]++;
        }
        int writtenFrames = 0;
        int droppedFrames = 0;
        long droppedBytes = 0;
        for (int id = 0; id < PRODUCERS; id++) {
            for (int seq = 0; seq < FRAMES; seq++) {
                if (written[id][seq]) {
                    writtenFrames++;
                } else if (seq % 3 == 0) {
                    droppedFrames++;
                    droppedBytes += frame(id, seq).length;
                }
            }
        }
        assertEquals(writtenFrames, received.size(), "every written frame arrived");
        QueueStats stats = queue.stats();
        assertEquals(writtenFrames, stats.framesCommitted(), "committed count");
        assertEquals(droppedFrames, stats.framesDropped(), "every writeOrDrop that dropped, counted once");
        assertEquals(droppedBytes, stats.bytesDropped(), "and its bytes");
    }

    /** Reads one frame if there is one, checks it whole and records its producer and number. */
    private static boolean readOne(FrameConsumer consumer, List<int[]> received) {
        Frame frame = consumer.tryRead();
        if (frame == null) {
            return false;
        }
        ByteBuffer bytes = frame.buffer();
        int length = bytes.remaining();
        int mark = bytes.get(bytes.position()) & 0xFF;
        int id = mark / 16;
        int seq = mark % 16;
        assertTrue(id < PRODUCERS && seq < FRAMES, "a frame some producer wrote: " + mark);
        assertEquals(frame(id, seq).length, length, "frame " + id + "/" + seq + " has its length");
        for (int i = bytes.position(); i < bytes.limit(); i++) {
            assertEquals(mark, bytes.get(i) & 0xFF, "frame " + id + "/" + seq + " whole");
        }
        frame.release();
        received.add(new int[] {id, seq});
        return true;
    }

    private static void join(List<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
