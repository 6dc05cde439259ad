package dev.bbq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batched commits: several frames appended to one grant, published together by one commit. */
class FrameBatchTest {

    @TempDir
    Path dir;

    @Test
    void framesOfABatchArePublishedTogetherByItsCommit() {
        BBQueue queue = BBQueue.allocate(1024);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        FrameBatch batch = new FrameBatch();
        assertTrue(producer.tryGrantBatch(512, batch));
        for (int i = 0; i < 5; i++) {
            assertTrue(batch.tryAppend(bytes(i, 10 + i), 0, 10 + i));
        }
        assertEquals(5, batch.frames());
        assertNull(consumer.tryRead(), "nothing is published before the commit");
        long commitsBefore = queue.stats().framesCommitted();
        batch.commit();
        assertFalse(batch.isOpen());
        assertEquals(commitsBefore + 5, queue.stats().framesCommitted());
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(bytes(i, 10 + i), read(consumer));
        }
        assertNull(consumer.tryRead());
    }

    @Test
    void eachFrameGetsTheNarrowestHeaderAndABatchStopsWhereItIsFull() {
        BBQueue queue = BBQueue.allocate(4096);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        FrameBatch batch = new FrameBatch();
        assertTrue(producer.tryGrantBatch(300, batch));
        assertTrue(batch.tryAppend(new byte[0], 0, 0)); // 1 byte
        assertTrue(batch.tryAppend(bytes(1, 200), 0, 200)); // 2 + 200 bytes
        assertEquals(300 - 1 - 202, batch.remaining());
        assertFalse(batch.tryAppend(bytes(2, 97), 0, 97), "97 + 1 > 97 bytes left");
        assertTrue(batch.tryAppend(ByteBuffer.wrap(bytes(3, 96))));
        assertEquals(0, batch.remaining());
        batch.commit();
        assertEquals(0, read(consumer).length);
        assertArrayEquals(bytes(1, 200), read(consumer));
        assertArrayEquals(bytes(3, 96), read(consumer));
    }

    @Test
    void aBatchClosedWithoutACommitPublishesNothingAndFreesItsRoom() {
        BBQueue queue = BBQueue.allocate(64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        try (FrameBatch batch = new FrameBatch()) {
            assertTrue(producer.tryGrantBatch(64, batch));
            assertTrue(batch.tryAppend(bytes(1, 30), 0, 30));
            assertThrows(IllegalStateException.class, () -> producer.tryWrite(new byte[1], 0, 1), "a batch is a grant");
        }
        assertNull(consumer.tryRead());
        assertTrue(producer.tryWrite(bytes(2, 62), 0, 62), "the whole ring is free again");
        assertArrayEquals(bytes(2, 62), read(consumer));
    }

    @Test
    void aBatchObjectIsReusedAndAnEmptyCommitPublishesNothing() {
        BBQueue queue = BBQueue.allocate(256);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        FrameBatch batch = new FrameBatch();
        assertTrue(producer.tryGrantBatch(100, batch));
        batch.commit();
        assertNull(consumer.tryRead());
        assertThrows(IllegalStateException.class, () -> batch.tryAppend(new byte[1], 0, 1), "ended");
        assertThrows(IllegalStateException.class, batch::commit);
        for (int round = 0; round < 50; round++) { // across many wraps of the ring
            assertTrue(producer.tryGrantBatch(100, batch), "round " + round);
            int n = 0;
            while (batch.tryAppend(bytes(round + n, 7), 0, 7)) {
                n++;
            }
            batch.commit();
            List<byte[]> seen = new ArrayList<>();
            consumer.drain(f -> seen.add(remaining(f)), 100);
            assertEquals(n, seen.size(), "round " + round);
            for (int i = 0; i < n; i++) {
                assertArrayEquals(bytes(round + i, 7), seen.get(i));
            }
        }
    }

    @Test
    void aFullRingRefusesABatchAndAWaitingGrantGetsOneOnceThereIsRoom() throws InterruptedException {
        BBQueue queue = BBQueue.allocate(64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        assertTrue(producer.tryWrite(bytes(1, 63), 0, 63)); // the whole ring
        FrameBatch batch = new FrameBatch();
        assertFalse(producer.tryGrantBatch(10, batch));
        assertFalse(producer.grantBatch(10, batch, 1, TimeUnit.MILLISECONDS));
        read(consumer);
        assertTrue(producer.grantBatch(10, batch, 1, TimeUnit.SECONDS));
        batch.close();
        assertThrows(IllegalArgumentException.class, () -> producer.tryGrantBatch(65, new FrameBatch()));
    }

    @Test
    void aConsumerWaitingInBandFindsEveryFrameOfTheBatch() throws InterruptedException {
        BBQueue queue = BBQueue.allocateDirect(1 << 12);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        assertTrue(producer.tryWrite(bytes(9, 3), 0, 3));
        assertArrayEquals(bytes(9, 3), read(consumer)); // the consumer now peeks in-band at 4
        assertNull(consumer.tryRead());
        FrameBatch batch = new FrameBatch();
        assertTrue(producer.tryGrantBatch(1000, batch));
        for (int i = 0; i < 20; i++) {
            assertTrue(batch.tryAppend(bytes(i, 20), 0, 20));
        }
        batch.commit();
        List<byte[]> seen = new ArrayList<>();
        assertEquals(20, consumer.drain(f -> seen.add(remaining(f)), 100, 1, TimeUnit.SECONDS));
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(bytes(i, 20), seen.get(i));
        }
    }

    @Test
    void aBatchCutByItsProducersDeathIsSkippedWhole() throws IOException {
        Path file = dir.resolve("q");
        BBQueue first = BBQueue.createMapped(file, 1024);
        FrameProducer producer = first.frameProducer();
        FrameConsumer consumer = BBQueue.openMapped(file).frameConsumer();
        assertTrue(producer.tryWrite(bytes(1, 5), 0, 5));
        FrameBatch batch = new FrameBatch();
        assertTrue(producer.tryGrantBatch(200, batch));
        for (int i = 0; i < 4; i++) {
            assertTrue(batch.tryAppend(bytes(10 + i, 9), 0, 9));
        }
        batch.commit();
        // A death between the batch's index and its flag: the first frame's flag never came.
        int start = first.ring().control.getAcquire(ControlBlock.COMMIT_START);
        first.ring().data.put(start, (byte) 0);
        first.ring().file.release(true);
        assertArrayEquals(bytes(1, 5), read(consumer));
        assertNull(consumer.tryRead(), "none of the batch: its first flag is missing");
        FrameProducer successor = BBQueue.openMapped(file).frameProducer();
        assertTrue(successor.tryWrite(bytes(2, 5), 0, 5));
        assertArrayEquals(bytes(2, 5), read(consumer), "the whole batch was skipped, never delivered");
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
