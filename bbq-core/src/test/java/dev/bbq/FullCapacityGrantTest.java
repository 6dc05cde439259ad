package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.bbq.Bytes.readAll;
import static dev.bbq.Bytes.sequence;
import static dev.bbq.Bytes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Rule R8: bbqueue never moves its indices back when the queue drains, so at position p only
 * {@code max(capacity - p, p - 1)} can be granted (bbqueue #129: a little over half the capacity in
 * the worst case). bbq lifts that with a handshake: on a drained queue, a grant of up to the whole
 * capacity succeeds once the consumer has made one read attempt after the producer's first refusal.
 */
class FullCapacityGrantTest {

    @Test
    void onADrainedQueueTheFirstAttemptGetsWhatBbqueueWouldGive() { // edge 14
        int capacity = 10;
        for (int p = 0; p <= capacity; p++) {
            for (int n = 1; n <= capacity; n++) {
                BBQueue queue = BBQueue.allocate(capacity);
                Producer producer = queue.producer();
                Consumer consumer = queue.consumer();
                RawQueueTest.moveTo(producer, consumer, p);
                WriteGrant grant = producer.tryGrantExact(n);
                boolean bbqueueWouldGrant = n <= Math.max(capacity - p, p - 1);
                assertEquals(bbqueueWouldGrant, grant != null, "p=" + p + " n=" + n);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void afterOneReadAttemptTheWholeCapacityCanBeGrantedAtEveryPosition(Storage storage) { // R8
        int capacity = 10;
        for (int p = 0; p <= capacity; p++) {
            BBQueue queue = storage.queue(capacity);
            Producer producer = queue.producer();
            Consumer consumer = queue.consumer();
            RawQueueTest.moveTo(producer, consumer, p);
            WriteGrant grant = producer.tryGrantExact(capacity);
            if (grant == null) {
                assertNull(consumer.tryRead(), "the queue is drained: the read attempt finds nothing");
                grant = producer.tryGrantExact(capacity);
            }
            assertNotNull(grant, "p=" + p);
            grant.buffer().put(sequence(p, capacity));
            grant.commit(capacity);
            assertArrayEquals(sequence(p, capacity), readAll(consumer), "p=" + p);
        }
    }

    @Test
    void theRefusedProducerWaitsForTheConsumerRatherThanForMoreSpace() {
        BBQueue queue = BBQueue.allocate(1024);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        // bbqueue #129: grant 1024, commit 4, release 4, grant 1024 again.
        WriteGrant first = producer.tryGrantExact(1024);
        first.commit(4);
        assertEquals(4, readAll(consumer).length);
        assertNull(producer.tryGrantExact(1024), "refused: the indices sit at 4");
        assertNull(producer.tryGrantExact(1024), "still refused until the consumer has looked");
        WriteGrant smaller = producer.tryGrantExact(3);
        assertNotNull(smaller, "meanwhile the front of the ring is usable");
        smaller.close();
        assertNull(consumer.tryRead());
        assertNotNull(producer.tryGrantExact(1024));
    }

    @Test
    void theHandshakeNeverShowsTheConsumerStaleBytes() {
        BBQueue queue = BBQueue.allocate(8);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 5));
        assertArrayEquals(sequence(1, 5), readAll(consumer));
        assertNull(producer.tryGrantExact(8)); // publishes the empty wrap: last = 5, write = 0
        assertEquals(0, queue.ring().sharedWrite());
        assertEquals(5, queue.ring().sharedLast());
        SplitReadGrant split = consumer.trySplitRead();
        assertNull(split, "following the watermark finds no bytes");
        assertEquals(0, queue.ring().sharedRead());
        WriteGrant all = producer.tryGrantExact(8);
        all.buffer().put(sequence(20, 8));
        all.commit(8);
        assertArrayEquals(sequence(20, 8), readAll(consumer));
    }

    @Test
    void framedQueuesGetTheWholeCapacityToo() {
        BBQueue queue = BBQueue.allocate(128);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        assertEquals(127, producer.maxFrameLength());
        assertEquals(true, producer.tryWrite(new byte[40], 0, 40));
        consumer.tryRead().release();
        byte[] big = sequence(3, producer.maxFrameLength());
        if (!producer.tryWrite(big, 0, big.length)) {
            assertNull(consumer.tryRead());
            assertEquals(true, producer.tryWrite(big, 0, big.length));
        }
        Frame frame = consumer.tryRead();
        assertArrayEquals(big, Bytes.remaining(frame.buffer()));
        frame.release();
    }
}
