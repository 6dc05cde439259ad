package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

import static dev.bbq.Bytes.readFrame;
import static dev.bbq.Bytes.remaining;
import static dev.bbq.Bytes.seeded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several producer threads writing into one framed queue through its {@link SharedFrameProducer}. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SharedFrameProducerTest {
    @TempDir
    Path dir;

    // ---- modes -----------------------------------------------------------------------------------

    @Test
    void aSharedProducerIsTheSameObjectForEveryCallerAndExcludesTheSingleThreadHalvesForLife() {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer shared = queue.sharedFrameProducer();
        assertSame(shared, queue.sharedFrameProducer());
        IllegalStateException single = assertThrows(IllegalStateException.class, queue::frameProducer);
        assertTrue(single.getMessage().contains("shared"), single.getMessage());
        assertThrows(IllegalStateException.class, queue::producer);
        assertThrows(IllegalStateException.class, queue::consumer, "the queue is framed");
        assertNotNull(queue.frameConsumer(), "the consumer side is unchanged");
    }

    @Test
    void aQueueWithASingleThreadProducerCannotBeShared() {
        BBQueue framed = BBQueue.allocate(256);
        framed.frameProducer();
        assertThrows(IllegalStateException.class, framed::sharedFrameProducer);
        BBQueue raw = BBQueue.allocate(256);
        raw.consumer();
        assertThrows(IllegalStateException.class, raw::sharedFrameProducer);
    }

    // ---- order and wholeness ---------------------------------------------------------------------

    @Test
    void eachThreadsFramesArriveWholeAndInThatThreadsOrder() throws Exception {
        BBQueue queue = BBQueue.allocateDirect(1024); // small: the threads meet the wrap and a full ring often
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        int threads = 4;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writers = writers(pool, threads, perThread, (id, seq) -> {
                byte[] frame = record(id, seq);
                if (seq % 3 == 0) {
                    try (SharedFrameGrant grant = producer.grant(frame.length, 10, TimeUnit.SECONDS)) {
                        grant.put(0, frame, 0, frame.length);
                        grant.commit(frame.length);
                    }
                } else if (!producer.write(frame, 0, frame.length, 10, TimeUnit.SECONDS)) {
                    throw new AssertionError("no room within 10 s");
                }
            });
            readInOrder(consumer, threads, threads * perThread, writers);
            assertNull(consumer.tryRead(), "nothing more");
            assertEquals(threads * perThread, queue.stats().framesCommitted());
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- try-forms against a thread that holds the producer --------------------------------------

    @Test
    void whileAThreadHoldsAGrantOtherThreadsTryFormsFailAtOnceAndTheirDropsAreCounted() throws Exception {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedFrameGrant held = producer.tryGrant(16);
        assertNotNull(held);
        byte[] other = seeded(2, 10);
        AtomicReference<String> seen = new AtomicReference<>();
        runInOtherThread(() -> seen.set(producer.tryWrite(other, 0, 10) + " " + producer.writeOrDrop(other, 0, 10)
                + " " + producer.tryWrite(ByteBuffer.wrap(other)) + " " + producer.writeOrDrop(ByteBuffer.wrap(other))
                + " " + producer.tryGrant(4)));
        assertEquals("false false false false null", seen.get(), "every try-form failed without waiting");
        held.put(0, seeded(1, 16), 0, 16);
        held.commit(16);
        QueueStats stats = queue.stats();
        assertEquals(2, stats.framesDropped(), "both drops counted for the queue");
        assertEquals(20, stats.bytesDropped());
        assertEquals(5, stats.grantsRefused());
        runInOtherThread(() -> assertTrue(producer.tryWrite(other, 0, 10), "the grant's end gave the producer back"));
        assertArrayEquals(seeded(1, 16), readFrame(consumer));
        assertArrayEquals(other, readFrame(consumer));
    }

    @Test
    void dropsOfAFullQueueAreCountedPerQueueWhicheverThreadDropped() throws Exception {
        BBQueue queue = BBQueue.allocate(128);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        queue.frameConsumer();
        byte[] frame = seeded(1, 30);
        int written = 0;
        while (producer.tryWrite(frame, 0, frame.length)) {
            written++;
        }
        assertTrue(written >= 3);
        int threads = 3;
        int perThread = 50;
        runInThreads(threads, () -> {
            for (int i = 0; i < perThread; i++) {
                assertFalse(producer.writeOrDrop(frame, 0, frame.length));
            }
        });
        assertEquals(threads * perThread, queue.stats().framesDropped());
        assertEquals((long) threads * perThread * frame.length, queue.stats().bytesDropped());
    }

    @Test
    void everyFrameOfferedIsEitherCommittedOrCountedAsDroppedWhileGrantsComeAndGo() throws Exception {
        BBQueue queue = BBQueue.allocate(512);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        int threads = 3;
        int perThread = 20_000;
        Thread reader = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                consumer.drain(frame -> { }, 64);
            }
        });
        reader.start();
        try {
            runInThreads(threads, () -> {
                byte[] frame = seeded(3, 9);
                for (int i = 0; i < perThread; i++) {
                    if (i % 4 == 0) {
                        // a grant: the others' writeOrDrop calls in the meantime drop without the ring (S2)
                        try (SharedFrameGrant grant = producer.grant(9, 10, TimeUnit.SECONDS)) {
                            grant.put(0, frame, 0, 9);
                            grant.commit(9);
                        }
                    } else {
                        producer.writeOrDrop(frame, 0, frame.length);
                    }
                }
            });
        } finally {
            reader.interrupt();
            reader.join();
        }
        QueueStats stats = queue.stats();
        System.out.println("writeOrDrop beside grants: " + stats);
        assertEquals((long) threads * perThread, stats.framesCommitted() + stats.framesDropped(),
                "no drop left uncounted: " + stats);
        assertEquals(stats.framesDropped() * 9, stats.bytesDropped());
    }

    // ---- blocking forms --------------------------------------------------------------------------

    @Test
    void aBlockingWriteWaitsForAnotherThreadsGrantAndComesAfterIt() throws Exception {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedFrameGrant held = producer.tryGrant(8);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Object> result = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            started.countDown();
            try {
                result.set(producer.write(seeded(2, 5), 0, 5, 30, TimeUnit.SECONDS));
            } catch (Throwable t) {
                result.set(t);
            }
        });
        writer.start();
        started.await();
        Thread.sleep(50);
        assertNull(result.get(), "the writer waits for the grant");
        held.put(0, seeded(1, 8), 0, 8);
        held.commit(8);
        writer.join(30_000);
        assertEquals(true, result.get());
        assertArrayEquals(seeded(1, 8), readFrame(consumer));
        assertArrayEquals(seeded(2, 5), readFrame(consumer));
    }

    @Test
    void aBlockingCallTimesOutWhileAnotherThreadHoldsTheProducer() throws Exception {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        queue.frameConsumer();
        SharedFrameGrant held = producer.tryGrant(8);
        runInOtherThread(() -> {
            long start = System.nanoTime();
            assertFalse(producer.write(seeded(2, 5), 0, 5, 30, TimeUnit.MILLISECONDS));
            assertNull(producer.grant(5, 30, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(60), "both waited out their time");
        });
        held.close();
        assertEquals(0, queue.stats().framesCommitted(), "a closed grant publishes nothing");
    }

    @Test
    void severalThreadsWaitingForRoomAreAllServedAsTheConsumerFreesIt() throws Exception {
        BBQueue queue = BBQueue.allocate(128); // records are up to 76 bytes with their header
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        byte[] filler = seeded(0, 100);
        assertTrue(producer.tryWrite(filler, 0, filler.length));
        int threads = 3;
        int perThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writers = writers(pool, threads, perThread, (id, seq) -> {
                byte[] frame = record(id, seq);
                assertTrue(producer.write(frame, 0, frame.length, 30, TimeUnit.SECONDS), "served in time");
            });
            Thread.sleep(20); // let them all wait: the ring has room for none of them
            assertArrayEquals(filler, readFrame(consumer));
            readInOrder(consumer, threads, threads * perThread, writers); // one at a time: room for about one frame
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInterruptedWriterThrowsAndLeavesTheProducerUsable() throws Exception {
        BBQueue queue = BBQueue.allocate(64);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> producer.write(seeded(1, 4), 0, 4, 1, TimeUnit.SECONDS));
        assertTrue(producer.tryWrite(seeded(1, 4), 0, 4));
        assertArrayEquals(seeded(1, 4), readFrame(consumer));
    }

    // ---- grant rules -----------------------------------------------------------------------------

    @Test
    void aGrantBelongsToTheThreadThatTookItUntilItEnds() throws Exception {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedFrameGrant grant = producer.tryGrant(8);
        runInOtherThread(() -> {
            assertThrows(IllegalStateException.class, () -> grant.put(0, new byte[1], 0, 1));
            assertThrows(IllegalStateException.class, () -> grant.commit(1));
            assertThrows(IllegalStateException.class, grant::close);
        });
        assertThrows(IllegalStateException.class, () -> producer.tryWrite(new byte[1], 0, 1),
                "the holder cannot write past its own grant");
        assertThrows(IllegalStateException.class, () -> producer.tryGrant(1));
        assertThrows(IllegalArgumentException.class, () -> grant.commit(9), "too long");
        grant.putLong(0, 42L);
        grant.commit(8); // the bad commit left the grant open
        assertThrows(IllegalStateException.class, () -> grant.commit(8), "a grant commits once");
        assertThrows(IllegalStateException.class, grant::buffer);
        grant.close(); // does nothing after the commit
        assertEquals(42L, ByteBuffer.wrap(readFrame(consumer)).getLong());
        runInOtherThread(() -> assertNotNull(producer.tryGrant(4), "the commit gave the producer back"));
    }

    @Test
    void badInputIsRefusedWithAClearMessageAndLeavesTheProducerUsable() {
        BBQueue queue = BBQueue.allocate(128);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> producer.tryWrite(new byte[200], 0, 200));
        assertTrue(tooLong.getMessage().contains("127"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> producer.tryGrant(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> producer.writeOrDrop(new byte[4], 2, 3));
        assertThrows(NullPointerException.class, () -> producer.write(new byte[4], 0, 4, 1, null));
        assertTrue(producer.tryWrite(seeded(1, 7), 0, 7));
        assertArrayEquals(seeded(1, 7), readFrame(consumer));
        assertEquals(0, queue.stats().framesDropped());
    }

    // ---- closing ---------------------------------------------------------------------------------

    @Test
    void closingEndsTheStreamForEveryThreadAfterTheLastFrameAnyOfThemCommitted() throws Exception {
        BBQueue queue = BBQueue.allocate(4096);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        runInThreads(3, () -> assertTrue(producer.tryWrite(seeded(1, 10), 0, 10)));
        producer.close();
        assertTrue(producer.isClosed());
        runInOtherThread(() -> {
            assertThrows(QueueClosedException.class, () -> producer.tryWrite(seeded(1, 10), 0, 10));
            assertThrows(QueueClosedException.class, () -> producer.writeOrDrop(seeded(1, 10), 0, 10));
            assertThrows(QueueClosedException.class, () -> producer.tryGrant(1));
        });
        for (int i = 0; i < 3; i++) {
            Frame frame = consumer.read(1, TimeUnit.SECONDS);
            assertNotNull(frame, "committed before the close: delivered");
            frame.release();
        }
        assertNull(consumer.read(), "then the end of the stream");
        producer.close(); // twice is harmless
    }

    @Test
    void closeWaitsForAnotherThreadsGrantToEnd() throws Exception {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        SharedFrameGrant grant = producer.tryGrant(4);
        Thread closer = new Thread(producer::close);
        closer.start();
        closer.join(50);
        assertTrue(closer.isAlive(), "close waits for the grant");
        grant.putInt(0, 7);
        grant.commit(4);
        closer.join(30_000);
        assertFalse(closer.isAlive());
        assertEquals(7, ByteBuffer.wrap(readFrame(consumer)).getInt(), "the grant's frame made it in before the end");
        assertNull(consumer.read());
    }

    @Test
    void aHolderThatClosesTheProducerAbandonsItsGrant() {
        BBQueue queue = BBQueue.allocate(256);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        try (SharedFrameGrant grant = producer.tryGrant(4)) {
            grant.putInt(0, 7);
            producer.close();
            assertThrows(IllegalStateException.class, () -> grant.commit(4));
        } // closing the abandoned grant is harmless
        assertNull(consumer.tryRead());
        assertTrue(consumer.isClosed(), "end of stream, nothing committed");
    }

    @Test
    void whenTheConsumerClosesAThreadWaitingForRoomWakesAndEveryThreadIsTold() throws Exception {
        BBQueue queue = BBQueue.allocate(64);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        assertTrue(producer.tryWrite(seeded(1, 50), 0, 50));
        AtomicReference<Throwable> waiter = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                producer.write(seeded(2, 50), 0, 50, 1, TimeUnit.MINUTES);
            } catch (Throwable e) {
                waiter.set(e);
            }
        });
        t.start();
        Thread.sleep(50);
        consumer.close();
        t.join(30_000);
        assertTrue(waiter.get() instanceof QueueClosedException, String.valueOf(waiter.get()));
        runInOtherThread(() -> assertThrows(QueueClosedException.class, () -> producer.writeOrDrop(new byte[1], 0, 1)));
        assertTrue(producer.isClosed());
    }

    // ---- queue files -----------------------------------------------------------------------------

    @Test
    void threadsOfTheProducersProcessShareAQueueFileTheSameWay() throws Exception {
        Path file = dir.resolve("shared.bbq");
        BBQueue created = BBQueue.createMapped(file, 4096);
        SharedFrameProducer producer = created.sharedFrameProducer();
        BBQueue attached = BBQueue.openMapped(file);
        assertThrows(IllegalStateException.class, attached::frameProducer, "one producer process");
        FrameConsumer consumer = attached.frameConsumer();
        int threads = 3;
        int perThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writers = writers(pool, threads, perThread, (id, seq) -> {
                byte[] frame = record(id, seq);
                assertTrue(producer.write(frame, 0, frame.length, 10, TimeUnit.SECONDS));
            });
            readInOrder(consumer, threads, threads * perThread, writers);
            producer.close();
            assertNull(consumer.read(1, TimeUnit.SECONDS), "end of stream across the file");
        } finally {
            pool.shutdownNow();
            consumer.close();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** A frame of 12 to 75 bytes: producer id, sequence number, filler, CRC-32 of the rest. */
    static byte[] record(int id, int seq) {
        int length = 12 + (seq * 7 + id * 13) % 64;
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(id).putInt(seq);
        while (b.remaining() > 4) {
            b.put((byte) (seq ^ b.position() ^ id));
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, length - 4);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Checks a {@link #record}'s checksum; returns its producer id and sequence number. */
    static int[] check(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        CRC32 crc = new CRC32();
        crc.update(frame, 0, frame.length - 4);
        assertEquals((int) crc.getValue(), b.getInt(frame.length - 4), "frame whole");
        return new int[] {b.getInt(0), b.getInt(4)};
    }

    interface Body {
        void run() throws Exception;
    }

    interface Writer {
        void write(int id, int seq) throws Exception;
    }

    /** Starts {@code threads} writers, each writing its records 0 .. perThread - 1 in order. */
    private static List<Future<?>> writers(ExecutorService pool, int threads, int perThread, Writer writer) {
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            writers.add(pool.submit(() -> {
                for (int seq = 0; seq < perThread; seq++) {
                    writer.write(id, seq);
                }
                return null;
            }));
        }
        return writers;
    }

    /** Reads {@code frames} records one by one, checking each whole and in its writer's order; then joins the writers. */
    private static void readInOrder(FrameConsumer consumer, int threads, int frames, List<Future<?>> writers)
            throws Exception {
        int[] next = new int[threads];
        for (int received = 0; received < frames; received++) {
            Frame frame = consumer.read(30, TimeUnit.SECONDS);
            assertNotNull(frame, "frame " + received + " arrived: no writer slept through a release");
            int[] idAndSeq = check(remaining(frame.buffer()));
            frame.release();
            assertEquals(next[idAndSeq[0]]++, idAndSeq[1], "thread " + idAndSeq[0] + "'s frames in its order");
        }
        for (Future<?> writer : writers) {
            writer.get();
        }
    }

    private static void runInOtherThread(Body body) throws Exception {
        runInThreads(1, body);
    }

    private static void runInThreads(int n, Body body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    body.run();
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
