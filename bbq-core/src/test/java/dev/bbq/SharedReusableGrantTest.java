package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.bbq.Bytes.readFrame;
import static dev.bbq.Bytes.remaining;
import static dev.bbq.Bytes.seeded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The zero-allocation grant form of a {@link SharedFrameProducer}: one {@link SharedReusableGrant} per thread. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SharedReusableGrantTest {

    // ---- carrying frames -------------------------------------------------------------------------

    @Test
    void oneGrantObjectCarriesFrameAfterFrameAcrossTheWrap() {
        BBQueue queue = BBQueue.allocate(128); // small: the frames wrap every few grants
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedReusableGrant grant = new SharedReusableGrant();
        for (int i = 0; i < 1_000; i++) {
            int length = 1 + i % 40;
            assertTrue(producer.tryGrant(length + 3, grant), "room for frame " + i);
            assertTrue(grant.isOpen());
            assertEquals(length + 3, grant.maxLength());
            grant.put(0, seeded(i, length), 0, length);
            grant.commit(length); // shorter than granted: the rest goes back to the free space
            assertFalse(grant.isOpen());
            assertArrayEquals(seeded(i, length), readFrame(consumer), "frame " + i);
        }
        assertEquals(1_000, queue.stats().framesCommitted());
    }

    @Test
    void aGrantOffersTheSameWaysToFillTheFrameAsTheOneShotGrant() {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedReusableGrant grant = new SharedReusableGrant();
        assertTrue(producer.tryGrant(20, grant));
        grant.putInt(0, 0x01020304);
        grant.putLong(4, 0x05060708090A0B0CL);
        grant.buffer().put(12, (byte) 13);
        assertTrue(grant.hasArray());
        grant.array()[grant.arrayOffset() + 13] = 14;
        grant.commit(14);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, readFrame(consumer));
    }

    @Test
    void everyThreadWithItsOwnGrantObjectGetsItsFramesAcrossWholeAndInItsOrder() throws Exception {
        BBQueue queue = BBQueue.allocateDirect(1024); // direct and small: the wrap and a full ring often
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        ThreadLocal<SharedReusableGrant> grants = ThreadLocal.withInitial(SharedReusableGrant::new);
        int threads = 3;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                writers.add(pool.submit(() -> {
                    SharedReusableGrant grant = grants.get();
                    for (int seq = 0; seq < perThread; seq++) {
                        byte[] frame = SharedFrameProducerTest.record(id, seq);
                        // half of them with the try-form, retried: it fails while another thread holds a grant
                        boolean granted = seq % 2 == 0 ? producer.grant(frame.length, grant, 10, TimeUnit.SECONDS)
                                : tryUntilGranted(producer, frame.length, grant);
                        assertTrue(granted, "room within 10 s");
                        grant.put(0, frame, 0, frame.length);
                        grant.commit(frame.length);
                    }
                    return null;
                }));
            }
            int[] next = new int[threads];
            for (int received = 0; received < threads * perThread; received++) {
                Frame frame = consumer.read(30, TimeUnit.SECONDS);
                assertNotNull(frame, "frame " + received + " arrived");
                int[] idAndSeq = SharedFrameProducerTest.check(remaining(frame.buffer()));
                frame.release();
                assertEquals(next[idAndSeq[0]]++, idAndSeq[1], "thread " + idAndSeq[0] + "'s frames in its order");
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
            assertNull(consumer.tryRead(), "nothing more");
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- holding the producer --------------------------------------------------------------------

    @Test
    void whileAThreadHoldsAReusableGrantOtherThreadsTryFormsFailAndTheCommitHandsTheProducerBack()
            throws Exception {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedReusableGrant held = new SharedReusableGrant();
        assertTrue(producer.tryGrant(8, held));
        byte[] other = seeded(2, 10);
        AtomicReference<String> seen = new AtomicReference<>();
        runInOtherThread(() -> seen.set(producer.tryWrite(other, 0, 10) + " " + producer.writeOrDrop(other, 0, 10)
                + " " + producer.tryGrant(4, new SharedReusableGrant())));
        assertEquals("false false false", seen.get(), "every try-form failed at once");
        held.putLong(0, 7L);
        held.commit(8);
        assertEquals(1, queue.stats().framesDropped(), "the drop is counted for the queue once the holder hands back");
        assertEquals(3, queue.stats().grantsRefused());
        runInOtherThread(() -> assertTrue(producer.tryWrite(other, 0, 10), "the commit gave the producer back"));
        assertEquals(7L, ByteBuffer.wrap(readFrame(consumer)).getLong());
        assertArrayEquals(other, readFrame(consumer));
    }

    @Test
    void closingAnOpenGrantPublishesNothingAndHandsTheProducerBackAlsoWhenAnExceptionEndsTheBlock()
            throws Exception {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedReusableGrant grant = new SharedReusableGrant();
        assertThrows(ArithmeticException.class, () -> {
            if (producer.tryGrant(8, grant)) {
                try (grant) {
                    grant.putInt(0, 1);
                    throw new ArithmeticException("the sensor read failed halfway");
                }
            }
        });
        assertFalse(grant.isOpen());
        grant.close(); // closing an ended grant does nothing
        runInOtherThread(() -> assertTrue(producer.tryWrite(seeded(1, 3), 0, 3), "the producer was handed back"));
        assertArrayEquals(seeded(1, 3), readFrame(consumer), "the aborted frame never appears");
        assertNull(consumer.tryRead());
    }

    @Test
    void aBlockingGrantWaitsForAnotherThreadsGrantAndTimesOutIfItIsNotEnded() throws Exception {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedReusableGrant held = new SharedReusableGrant();
        assertTrue(producer.tryGrant(8, held));
        runInOtherThread(() -> assertFalse(producer.grant(4, new SharedReusableGrant(), 30, TimeUnit.MILLISECONDS),
                "timed out while the producer was held"));
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Object> result = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            SharedReusableGrant mine = new SharedReusableGrant();
            started.countDown();
            try {
                boolean granted = producer.grant(4, mine, 30, TimeUnit.SECONDS);
                mine.putInt(0, 2);
                mine.commit(4);
                result.set(granted);
            } catch (Throwable t) {
                result.set(t);
            }
        });
        waiter.start();
        started.await();
        Thread.sleep(50);
        assertNull(result.get(), "the waiter waits for the held grant");
        held.putLong(0, 1L);
        held.commit(8);
        waiter.join(30_000);
        assertEquals(true, result.get());
        assertEquals(1L, ByteBuffer.wrap(readFrame(consumer)).getLong());
        assertEquals(2, ByteBuffer.wrap(readFrame(consumer)).getInt());
    }

    @Test
    void aBlockingGrantWaitsForRoomTheConsumerFrees() throws Exception {
        BBQueue queue = BBQueue.allocate(64);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        assertTrue(producer.tryWrite(seeded(1, 50), 0, 50));
        SharedReusableGrant grant = new SharedReusableGrant();
        assertFalse(producer.tryGrant(40, grant), "no room now");
        assertFalse(grant.isOpen());
        Thread reader = new Thread(() -> {
            try {
                Thread.sleep(50);
                readFrame(consumer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.start();
        assertTrue(producer.grant(40, grant, 30, TimeUnit.SECONDS), "granted once the consumer freed room");
        grant.put(0, seeded(2, 40), 0, 40);
        grant.commit(40);
        reader.join();
        assertArrayEquals(seeded(2, 40), readFrame(consumer));
    }

    @Test
    void aFullRingRefusesTheGrantCountsItAndLeavesTheProducerFree() throws Exception {
        BBQueue queue = BBQueue.allocate(64);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        queue.frameConsumer();
        assertTrue(producer.tryWrite(seeded(1, 50), 0, 50));
        long refusedBefore = queue.stats().grantsRefused();
        SharedReusableGrant grant = new SharedReusableGrant();
        assertFalse(producer.tryGrant(40, grant));
        assertFalse(producer.grant(40, grant, 10, TimeUnit.MILLISECONDS));
        assertTrue(queue.stats().grantsRefused() > refusedBefore, "refusals are counted");
        runInOtherThread(() -> assertTrue(producer.tryWrite(seeded(2, 3), 0, 3), "nobody holds the producer"));
    }

    // ---- misuse: a clear exception, never a corrupted queue --------------------------------------

    @Test
    void aGrantObjectBelongsToTheThreadThatCreatedItWhetherOpenOrNot() throws Exception {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedReusableGrant mine = new SharedReusableGrant();
        runInOtherThread(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> producer.tryGrant(4, mine));
            assertTrue(e.getMessage().contains("ThreadLocal"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> producer.grant(4, mine, 1, TimeUnit.SECONDS));
        });
        assertEquals(0, queue.stats().grantsRefused(), "a foreign grant object is refused before the producer is asked");
        assertTrue(producer.tryGrant(8, mine), "and the producer was never taken");
        runInOtherThread(() -> {
            assertThrows(IllegalStateException.class, () -> mine.putInt(0, 1));
            assertThrows(IllegalStateException.class, () -> mine.commit(4));
            assertThrows(IllegalStateException.class, mine::close);
            assertThrows(IllegalStateException.class, mine::isOpen);
        });
        assertTrue(mine.isOpen(), "another thread's calls changed nothing");
        mine.putLong(0, 5L);
        mine.commit(8);
        assertEquals(5L, ByteBuffer.wrap(readFrame(consumer)).getLong());
        assertNull(consumer.tryRead());
    }

    @Test
    void anEndedGrantRefusesUseUntilGrantedIntoAgain() {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedReusableGrant grant = new SharedReusableGrant();
        assertThrows(IllegalStateException.class, () -> grant.putInt(0, 1), "never granted into");
        assertTrue(producer.tryGrant(4, grant));
        assertThrows(IllegalArgumentException.class, () -> grant.commit(5), "too long");
        assertTrue(grant.isOpen(), "a bad commit leaves the grant open");
        grant.putInt(0, 1);
        grant.commit(4);
        assertThrows(IllegalStateException.class, () -> grant.putInt(0, 2), "committed: stale");
        assertThrows(IllegalStateException.class, () -> grant.commit(4), "a grant commits once");
        assertThrows(IllegalStateException.class, grant::buffer);
        assertTrue(producer.tryGrant(4, grant), "granted into again");
        grant.putInt(0, 2);
        grant.commit(4);
        assertEquals(1, ByteBuffer.wrap(readFrame(consumer)).getInt());
        assertEquals(2, ByteBuffer.wrap(readFrame(consumer)).getInt());
    }

    @Test
    void aThreadHoldingAGrantCannotTakeAnotherOrWriteUntilItEnds() {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedReusableGrant grant = new SharedReusableGrant();
        assertTrue(producer.tryGrant(4, grant));
        assertThrows(IllegalStateException.class, () -> producer.tryGrant(4, grant), "the object is open");
        assertThrows(IllegalStateException.class, () -> producer.tryGrant(4, new SharedReusableGrant()),
                "this thread holds the producer");
        assertThrows(IllegalStateException.class, () -> producer.tryGrant(4));
        assertThrows(IllegalStateException.class, () -> producer.tryWrite(new byte[1], 0, 1));
        assertTrue(grant.isOpen(), "the refused calls left the grant alone");
        grant.putInt(0, 3);
        grant.commit(4);
        assertEquals(3, ByteBuffer.wrap(readFrame(consumer)).getInt());
    }

    @Test
    void aGrantObjectOpenOnOneQueueCannotBeGrantedIntoByAnother() {
        BBQueue first = BBQueue.allocate(256);
        BBQueue second = BBQueue.allocate(256);
        SharedFrameProducer one = first.sharedFrameProducer();
        SharedFrameProducer two = second.sharedFrameProducer();
        FrameConsumer consumer = second.frameConsumer();
        first.frameConsumer();
        SharedReusableGrant grant = new SharedReusableGrant();
        assertTrue(one.tryGrant(4, grant));
        assertThrows(IllegalStateException.class, () -> two.tryGrant(4, grant));
        grant.close();
        assertTrue(two.tryGrant(4, grant), "once it has ended it may move to another queue");
        grant.putInt(0, 9);
        grant.commit(4);
        assertEquals(9, ByteBuffer.wrap(readFrame(consumer)).getInt());
        assertTrue(one.tryWrite(new byte[1], 0, 1), "the first queue's producer was handed back by the close");
    }

    @Test
    void aHolderThatClosesTheProducerAbandonsItsGrant() {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedReusableGrant grant = new SharedReusableGrant();
        assertTrue(producer.tryGrant(4, grant));
        grant.putInt(0, 7);
        producer.close();
        assertFalse(grant.isOpen());
        assertThrows(IllegalStateException.class, () -> grant.commit(4));
        grant.close(); // harmless
        assertThrows(QueueClosedException.class, () -> producer.tryGrant(4, grant));
        assertNull(consumer.tryRead());
        assertTrue(consumer.isClosed(), "end of stream, nothing committed");
    }

    @Test
    void closeWaitsForAnotherThreadsReusableGrantToEnd() throws Exception {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedReusableGrant grant = new SharedReusableGrant();
        assertTrue(producer.tryGrant(4, grant));
        Thread closer = new Thread(producer::close);
        closer.start();
        closer.join(50);
        assertTrue(closer.isAlive(), "close waits for the grant");
        grant.putInt(0, 8);
        grant.commit(4);
        closer.join(30_000);
        assertFalse(closer.isAlive());
        assertEquals(8, ByteBuffer.wrap(readFrame(consumer)).getInt());
        assertNull(consumer.read(), "then the end of the stream");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static boolean tryUntilGranted(SharedFrameProducer producer, int length, SharedReusableGrant grant) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!producer.tryGrant(length, grant)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

    private static void runInOtherThread(SharedFrameProducerTest.Body body) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            pool.submit(() -> {
                body.run();
                return null;
            }).get(1, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
    }
}
