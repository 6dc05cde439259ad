package dev.bbq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R12: a producer process that takes a queue file over repairs what its predecessor's death left
 * inside a commit, so that the consumer neither delivers the cut frame nor waits for it forever.
 * Each test leaves the file exactly as a death at that instruction would (the predecessor's lock is
 * given back without a close, as the kernel does for a dead process), and then attaches a
 * successor with the ordinary calls.
 */
class QueueFileTakeoverTest {

    @TempDir
    Path dir;

    /** A producer attachment that "dies": its half's lock is dropped, nothing else is done. */
    private static final class Predecessor {
        final BBQueue queue;
        final FrameProducer producer;

        Predecessor(Path file, int capacity) throws IOException {
            queue = BBQueue.createMapped(file, capacity);
            producer = queue.frameProducer();
        }

        void write(byte[] frame) {
            assertTrue(producer.tryWrite(frame, 0, frame.length));
        }

        /** Undoes the flag of the last commit, as a death between its index and its flag would. */
        int cutLastCommit() {
            int start = queue.ring().control.getAcquire(ControlBlock.COMMIT_START);
            queue.ring().data.put(start, (byte) 0);
            return start;
        }

        void die() {
            queue.ring().file.release(true);
        }
    }

    @Test
    void aFrameCutBetweenItsIndexAndItsFlagIsSkippedNeverDelivered() throws IOException {
        for (int payload : new int[] {0, 2, 3, 4, 20, 200}) { // skip records of 1 to 201 bytes
            Path file = dir.resolve("cut-" + payload);
            Predecessor dead = new Predecessor(file, 1024);
            FrameConsumer consumer = BBQueue.openMapped(file).frameConsumer();
            dead.write(bytes(1, 10));
            dead.write(bytes(2, payload));
            dead.cutLastCommit();
            dead.die();

            assertArrayEquals(bytes(1, 10), read(consumer));
            assertNull(consumer.tryRead(), "the cut frame is not delivered, and nothing follows yet");

            BBQueue successor = BBQueue.openMapped(file);
            FrameProducer producer = successor.frameProducer(); // repairs (R12)
            assertNull(consumer.tryRead(), "the skip record is released, not delivered");
            assertTrue(producer.tryWrite(bytes(3, 7), 0, 7));
            assertArrayEquals(bytes(3, 7), read(consumer), "the successor's frames follow");
            assertEquals(1, framesCut(successor), "counted in the file");
            System.out.println("takeover: a cut frame of " + (payload + 1) + " bytes was skipped");
        }
    }

    @Test
    void aConsumerWaitingInBandAtAWrapWhoseMarkNeverCameGoesOn() throws IOException {
        Path file = dir.resolve("wrap");
        Predecessor dead = new Predecessor(file, 64);
        FrameConsumer consumer = BBQueue.openMapped(file).frameConsumer();
        dead.write(bytes(1, 39)); // [0, 40)
        assertArrayEquals(bytes(1, 39), read(consumer)); // the consumer now waits in-band at 40
        assertNull(consumer.tryRead());
        dead.write(bytes(2, 29)); // 30 bytes do not fit the tail [40, 64): the frame wraps to [0, 30)
        int start = dead.cutLastCommit();
        assertEquals(0, start);
        dead.queue.ring().data.put(40, (byte) 0); // and the wrap's mark never came
        dead.die();
        assertNull(consumer.tryRead(), "in-band at 40 the consumer sees nothing: without a repair, forever");

        FrameProducer producer = BBQueue.openMapped(file).frameProducer();
        assertNull(consumer.tryRead(), "the mark sends it to the index, the cut frame is skipped");
        assertTrue(producer.tryWrite(bytes(3, 5), 0, 5));
        assertArrayEquals(bytes(3, 5), read(consumer));
    }

    @Test
    void aConsumerAtAnEmptyWrapWhoseMarkNeverCameGoesOn() throws IOException {
        Path file = dir.resolve("empty-wrap");
        Predecessor dead = new Predecessor(file, 64);
        FrameConsumer consumer = BBQueue.openMapped(file).frameConsumer();
        dead.write(bytes(1, 39)); // [0, 40)
        assertArrayEquals(bytes(1, 39), read(consumer));
        assertNull(consumer.tryRead());
        // A 45-byte frame fits neither the tail [40, 64) nor the front (it must end before 40) of
        // the empty ring: the producer publishes an empty wrap (R8), and dies before its mark.
        assertFalse(dead.producer.tryWrite(new byte[44], 0, 44));
        assertEquals(0, dead.queue.ring().sharedWrite());
        dead.queue.ring().data.put(40, (byte) 0);
        dead.die();
        assertNull(consumer.tryRead());

        FrameProducer producer = BBQueue.openMapped(file).frameProducer();
        assertNull(consumer.tryRead(), "the repaired mark sends the consumer to the index: it follows to 0");
        assertTrue(producer.tryWrite(bytes(2, 44), 0, 44), "the whole ring is free");
        assertArrayEquals(bytes(2, 44), read(consumer));
    }

    @Test
    void aDrainStopsAtTheCutFrameAndTheNextOneSkipsIt() throws IOException {
        Path file = dir.resolve("drain");
        Predecessor dead = new Predecessor(file, 1024);
        FrameConsumer consumer = BBQueue.openMapped(file).frameConsumer();
        dead.write(bytes(1, 8));
        dead.write(bytes(2, 8));
        dead.write(bytes(3, 8));
        dead.cutLastCommit();
        dead.die();
        List<byte[]> seen = new ArrayList<>();
        assertEquals(2, consumer.drain(f -> seen.add(remaining(f)), 10));

        FrameProducer producer = BBQueue.openMapped(file).frameProducer();
        assertTrue(producer.tryWrite(bytes(4, 8), 0, 8));
        assertTrue(producer.tryWrite(bytes(5, 8), 0, 8));
        assertEquals(2, consumer.drain(f -> seen.add(remaining(f)), 10));
        assertEquals(4, seen.size());
        assertArrayEquals(bytes(4, 8), seen.get(2), "frame 3 was cut: skipped, never delivered");
        assertArrayEquals(bytes(5, 8), seen.get(3));
    }

    @Test
    void aCompleteLastFrameIsLeftAlone() throws IOException {
        Path file = dir.resolve("complete");
        Predecessor dead = new Predecessor(file, 1024);
        dead.write(bytes(1, 8));
        dead.die(); // after the commit returned
        BBQueue successor = BBQueue.openMapped(file);
        successor.frameProducer();
        FrameConsumer consumer = successor.frameConsumer();
        assertArrayEquals(bytes(1, 8), read(consumer));
        assertEquals(0, framesCut(successor));
    }

    @Test
    void aCommitCutBeforeItsIndexLeavesNothingToRepair() throws IOException {
        Path file = dir.resolve("before-index");
        Predecessor dead = new Predecessor(file, 1024);
        dead.write(bytes(1, 8));
        // A grant written but never committed: bytes at the write position, index unchanged.
        FrameGrant grant = dead.producer.tryGrant(8);
        grant.buffer().put(bytes(9, 8));
        dead.die();
        BBQueue successor = BBQueue.openMapped(file);
        FrameProducer producer = successor.frameProducer();
        FrameConsumer consumer = successor.frameConsumer();
        assertTrue(producer.tryWrite(bytes(2, 8), 0, 8));
        assertArrayEquals(bytes(1, 8), read(consumer));
        assertArrayEquals(bytes(2, 8), read(consumer));
        assertEquals(0, framesCut(successor));
    }

    private static long framesCut(BBQueue queue) {
        return queue.ring().file.map.getLong(QueueFile.OFF_FRAMES_CUT);
    }

    private static byte[] read(FrameConsumer consumer) {
        return Bytes.readFrame(consumer);
    }

    private static byte[] remaining(ByteBuffer b) {
        return Bytes.remaining(b.duplicate());
    }

    private static byte[] bytes(int seed, int length) {
        return Bytes.seeded(seed, length);
    }
}
