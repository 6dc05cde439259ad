package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.bbq.BlockingCallsTest.async;
import static dev.bbq.BlockingCallsTest.awaitBlocked;
import static dev.bbq.Bytes.readAll;
import static dev.bbq.Bytes.remaining;
import static dev.bbq.Bytes.sequence;
import static dev.bbq.Bytes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Closing either side: nothing committed is lost, the other side learns at once, closing twice is harmless. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClosingTest {
    private static final long GENEROUS_MS = 20_000;

    @Test
    void theConsumerReadsEverythingCommittedBeforeTheProducerClosedThenSeesTheEnd() throws Exception {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 10));
        write(producer, sequence(11, 5));
        producer.close();
        assertTrue(producer.isClosed());
        assertFalse(consumer.isClosed(), "bytes are still waiting");
        ReadGrant grant = consumer.read();
        grant.release(4);
        assertFalse(consumer.isClosed());
        ReadGrant rest = consumer.read();
        assertArrayEquals(sequence(5, 11), remaining(rest.buffer()));
        assertFalse(consumer.isClosed(), "a grant is open");
        rest.close(); // looked at, not released
        assertFalse(consumer.isClosed());
        readAll(consumer);
        assertTrue(consumer.isClosed(), "end of stream");
        assertNull(consumer.read(), "an untimed read returns null only at the end of the stream");
        assertNull(consumer.read(1, TimeUnit.DAYS), "and does not wait for it");
        assertNull(consumer.tryRead());
    }

    @Test
    void aConsumerBlockedOnAnEmptyQueueWakesWhenTheProducerCloses() throws Exception {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        AtomicReference<Thread> reader = new AtomicReference<>();
        Future<ReadGrant> read = async(() -> {
            reader.set(Thread.currentThread());
            return consumer.read();
        });
        while (reader.get() == null) {
            Thread.onSpinWait();
        }
        awaitBlocked(reader.get());
        producer.close();
        assertNull(read.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
        assertTrue(consumer.isClosed());
    }

    @Test
    void theCommitRacingTheCloseIsNeverLost() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            BBQueue queue = BBQueue.allocate(64);
            Producer producer = queue.producer();
            Consumer consumer = queue.consumer();
            Future<Integer> reader = async(() -> {
                int n = 0;
                ReadGrant grant;
                while ((grant = consumer.read()) != null) {
                    n += grant.length();
                    grant.release(grant.length());
                }
                return n;
            });
            write(producer, new byte[7]);
            producer.close();
            assertEquals(7, reader.get(GENEROUS_MS, TimeUnit.MILLISECONDS), "round " + i);
        }
    }

    @Test
    void aProducerBlockedOnAFullQueueWakesAndFailsWhenTheConsumerCloses() throws Exception {
        BBQueue queue = BBQueue.allocate(16);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, new byte[16]);
        AtomicReference<Thread> writer = new AtomicReference<>();
        Future<WriteGrant> grant = async(() -> {
            writer.set(Thread.currentThread());
            return producer.grantExact(4);
        });
        while (writer.get() == null) {
            Thread.onSpinWait();
        }
        awaitBlocked(writer.get());
        consumer.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> grant.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
        assertTrue(e.getCause() instanceof QueueClosedException, e.getCause().toString());
        assertTrue(e.getCause().getMessage().contains("consumer has closed"));
    }

    @Test
    void afterTheConsumerClosesEveryProducerCallFailsSoTheDriverThreadCanStop() {
        BBQueue queue = BBQueue.allocate(64);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        consumer.close();
        assertTrue(producer.isClosed());
        assertThrows(QueueClosedException.class, () -> producer.tryGrantExact(4));
        assertThrows(QueueClosedException.class, () -> producer.tryGrantMax(4));
        assertThrows(QueueClosedException.class, () -> producer.grantExact(4));
        BBQueue framed = BBQueue.allocate(64);
        FrameProducer frames = framed.frameProducer();
        framed.frameConsumer().close();
        assertThrows(QueueClosedException.class, () -> frames.tryWrite(new byte[1], 0, 1));
        assertThrows(QueueClosedException.class, () -> frames.writeOrDrop(new byte[1], 0, 1));
        assertThrows(QueueClosedException.class, () -> frames.tryGrant(1));
    }

    @Test
    void aClosedSideCannotBeUsedButClosingTwiceIsHarmless() {
        BBQueue queue = BBQueue.allocate(64);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 3));
        producer.close();
        producer.close();
        assertThrows(QueueClosedException.class, () -> producer.tryGrantExact(1));
        consumer.close();
        consumer.close();
        QueueClosedException e = assertThrows(QueueClosedException.class, consumer::tryRead);
        assertTrue(e.getMessage().contains("consumer is closed"));
        assertTrue(consumer.isClosed());
    }

    @Test
    void closingTheProducerAbandonsItsOpenGrant() {
        BBQueue queue = BBQueue.allocate(64);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 3));
        WriteGrant open = producer.tryGrantExact(8);
        open.buffer().put(sequence(9, 8));
        producer.close();
        assertThrows(IllegalStateException.class, () -> open.commit(8));
        assertArrayEquals(sequence(1, 3), readAll(consumer), "committed bytes survive, the open grant does not");
        assertTrue(consumer.isClosed());
    }

    @Test
    void framedQueuesCloseTheSameWay() throws Exception {
        BBQueue queue = BBQueue.allocate(64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        producer.tryWrite(sequence(1, 5), 0, 5);
        producer.tryWrite(sequence(2, 6), 0, 6);
        producer.close();
        assertEquals(1, consumer.drain(frame -> { }, 1));
        assertFalse(consumer.isClosed());
        Frame held = consumer.read();
        assertEquals(6, held.length());
        assertFalse(consumer.isClosed(), "the frame is held, not released");
        held.release();
        assertTrue(consumer.isClosed());
        assertNull(consumer.read());
        assertEquals(0, consumer.drain(frame -> { }, 10, 1, TimeUnit.DAYS));
        consumer.close();
        assertThrows(QueueClosedException.class, () -> consumer.drain(frame -> { }, 1));
    }
}
