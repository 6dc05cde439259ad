package dev.bbq;

import org.junit.jupiter.api.Test;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.bbq.BlockingCallsTest.async;
import static dev.bbq.Bytes.readAll;
import static dev.bbq.Bytes.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Statistics count what happened, add up, and can be read from any thread. */
class StatisticsTest {

    @Test
    void aFreshQueueCountsNothing() {
        QueueStats stats = BBQueue.allocate(100).stats();
        assertEquals(100, stats.capacity());
        assertEquals(0, stats.bytesCommitted());
        assertEquals(0, stats.bytesInUse());
        assertEquals(0, stats.highWaterMark());
        assertEquals(0.0, stats.fill());
    }

    @Test
    void rawCountersAddUp() {
        BBQueue queue = BBQueue.allocate(100);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, new byte[30]);
        write(producer, new byte[20]);
        producer.tryGrantExact(10).commit(4);
        consumer.tryRead().release(24);
        QueueStats stats = queue.stats();
        assertEquals(54, stats.bytesCommitted());
        assertEquals(24, stats.bytesReleased());
        assertEquals(30, stats.bytesInUse());
        assertEquals(stats.bytesCommitted(), stats.bytesReleased() + stats.bytesInUse());
        assertEquals(0.3, stats.fill(), 1e-9);
        assertEquals(0, stats.framesCommitted());
        assertTrue(stats.toString().contains("inUse=30"), stats.toString());
    }

    @Test
    void releasesAcrossTheWrapCountEveryByteOnce() {
        BBQueue queue = BBQueue.allocate(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        RawQueueTest.moveTo(producer, consumer, 6);
        write(producer, new byte[3]); // [6, 9)
        write(producer, new byte[4]); // wraps: [0, 4), watermark 9
        consumer.trySplitRead().release(5); // 3 above the watermark, 2 below
        QueueStats stats = queue.stats();
        assertEquals(13, stats.bytesCommitted());
        assertEquals(11, stats.bytesReleased());
        assertEquals(2, stats.bytesInUse());
    }

    @Test
    void framedCountersCountFramesAndHeaderBytes() {
        BBQueue queue = BBQueue.allocate(100);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        producer.tryWrite(new byte[10], 0, 10); // 11 ring bytes
        producer.tryWrite(new byte[5], 0, 5); // 6
        producer.tryGrant(20).commit(7); // 1 + 7
        consumer.tryRead().release();
        assertEquals(2, consumer.drain(frame -> { }, 10));
        QueueStats stats = queue.stats();
        assertEquals(3, stats.framesCommitted());
        assertEquals(3, stats.framesReleased());
        assertEquals(25, stats.bytesCommitted());
        assertEquals(25, stats.bytesReleased());
        assertEquals(0, stats.bytesInUse());
    }

    @Test
    void refusedGrantsAreCounted() {
        BBQueue queue = BBQueue.allocate(10);
        Producer producer = queue.producer();
        write(producer, new byte[10]);
        assertNull(producer.tryGrantExact(1));
        assertNull(producer.tryGrantMax(1));
        assertEquals(2, queue.stats().grantsRefused());
    }

    @Test
    void theOverloadPolicyDropsAndCountsInsteadOfBlocking() {
        BBQueue queue = BBQueue.allocate(64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        int written = 0;
        int dropped = 0;
        for (int i = 0; i < 20; i++) {
            if (producer.writeOrDrop(new byte[9], 0, 9)) {
                written++;
            } else {
                dropped++;
            }
        }
        java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(9);
        assertFalse(producer.writeOrDrop(last));
        assertEquals(9, last.position(), "a dropped buffer is consumed");
        dropped++;
        assertEquals(6, written, "64 bytes hold six 10-byte frames");
        QueueStats stats = queue.stats();
        assertEquals(dropped, stats.framesDropped());
        assertEquals(9L * dropped, stats.bytesDropped());
        assertEquals(written, stats.framesCommitted());
        assertEquals(written, consumer.drain(frame -> { }, 100), "no frame was lost silently");
    }

    @Test
    void highWaterMarkCatchesAFullQueue() {
        BBQueue queue = BBQueue.allocate(50);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, new byte[40]);
        assertNull(producer.tryGrantExact(20)); // the producer looks at read: 40 in use
        readAll(consumer);
        QueueStats stats = queue.stats();
        assertEquals(40, stats.highWaterMark());
        assertEquals(0, stats.bytesInUse());
    }

    @Test
    void waitingTimeIsCountedOnEachSide() throws Exception {
        BBQueue queue = BBQueue.allocate(16);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        assertNull(consumer.read(20, TimeUnit.MILLISECONDS));
        write(producer, new byte[16]);
        assertNull(producer.grantExact(1, 20, TimeUnit.MILLISECONDS));
        QueueStats stats = queue.stats();
        assertTrue(stats.consumerWaitNanos() >= TimeUnit.MILLISECONDS.toNanos(19), stats.toString());
        assertTrue(stats.producerWaitNanos() >= TimeUnit.MILLISECONDS.toNanos(19), stats.toString());
    }

    @Test
    void statisticsCanBeReadFromAnotherThreadWhileTheQueueRuns() throws Exception {
        BBQueue queue = BBQueue.allocate(1024);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        int frames = 200_000;
        Future<Integer> writer = async(() -> {
            byte[] frame = new byte[30];
            for (int i = 0; i < frames; i++) {
                producer.write(frame, 0, frame.length, 1, TimeUnit.MINUTES);
            }
            producer.close();
            return frames;
        });
        Future<Integer> reader = async(() -> {
            int n = 0;
            Frame frame;
            while ((frame = consumer.read()) != null) {
                frame.release();
                n++;
            }
            return n;
        });
        while (!reader.isDone()) {
            QueueStats stats = queue.stats();
            assertTrue(stats.bytesInUse() >= 0 && stats.bytesInUse() <= 1024, stats.toString());
            assertTrue(stats.framesReleased() <= stats.framesCommitted(), stats.toString());
            assertTrue(stats.highWaterMark() <= 1024);
        }
        assertEquals(frames, (int) writer.get());
        assertEquals(frames, (int) reader.get());
        QueueStats done = queue.stats();
        assertEquals(frames, done.framesCommitted());
        assertEquals(frames, done.framesReleased());
        assertEquals(31L * frames, done.bytesCommitted());
        assertEquals(done.bytesCommitted(), done.bytesReleased());
        assertEquals(0, done.bytesInUse());
    }
}
