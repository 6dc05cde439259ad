package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static dev.bbq.Bytes.readAll;
import static dev.bbq.Bytes.remaining;
import static dev.bbq.Bytes.sequence;
import static dev.bbq.Bytes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blocking forms: they wait with the queue's strategy, honour timeouts and interrupts, never lose
 * a wake-up, and fail at once for requests that can never succeed. Times in these tests are
 * generous bounds that only catch a hang; no test asserts on speed.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BlockingCallsTest {
    private static final long GENEROUS_MS = 20_000;

    static Stream<Arguments> strategies() {
        return Stream.of(
                Arguments.of("busySpin", WaitStrategy.busySpin()),
                Arguments.of("yielding", WaitStrategy.yielding()),
                Arguments.of("backoff", WaitStrategy.backoff()),
                Arguments.of("blocking", WaitStrategy.blocking()));
    }

    static BBQueue queue(int capacity, WaitStrategy strategy) {
        return BBQueue.builder().capacity(capacity).waitStrategy(strategy).build();
    }

    /** Runs {@code body} on a new thread and returns its outcome. */
    static <T> Future<T> async(java.util.concurrent.Callable<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** Waits (generously) until {@code thread} is parked or waiting, so a test can act on a blocked side. */
    static void awaitBlocked(Thread thread) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GENEROUS_MS);
        while (thread.getState() == Thread.State.RUNNABLE || thread.getState() == Thread.State.NEW) {
            if (System.nanoTime() > end) {
                throw new AssertionError("thread never blocked: " + thread.getState());
            }
            Thread.sleep(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void aBlockedReadReturnsTheBytesCommittedLater(String name, WaitStrategy strategy) throws Exception {
        BBQueue queue = queue(64, strategy);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        CountDownLatch started = new CountDownLatch(1);
        Future<byte[]> read = async(() -> {
            started.countDown();
            ReadGrant grant = consumer.read();
            byte[] bytes = remaining(grant.buffer());
            grant.release(grant.length());
            return bytes;
        });
        started.await();
        write(producer, sequence(1, 9));
        assertArrayEquals(sequence(1, 9), read.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void aBlockedGrantReturnsOnceTheConsumerReleases(String name, WaitStrategy strategy) throws Exception {
        BBQueue queue = queue(16, strategy);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 16));
        Future<Integer> grant = async(() -> {
            WriteGrant g = producer.grantExact(10);
            g.buffer().put(sequence(50, 10));
            g.commit(10);
            return g.length();
        });
        Thread.sleep(5);
        assertFalse(grant.isDone(), "no room yet");
        assertArrayEquals(sequence(1, 16), readAll(consumer));
        assertEquals(10, grant.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
        assertArrayEquals(sequence(50, 10), readAll(consumer));
    }

    @Test
    void aTimedReadOnAnEmptyQueueReturnsNullAfterTheTimeout() throws Exception {
        Consumer consumer = BBQueue.allocate(16).consumer();
        long start = System.nanoTime();
        assertNull(consumer.read(30, TimeUnit.MILLISECONDS));
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsed >= 29, "waited " + elapsed + " ms");
        assertTrue(elapsed < GENEROUS_MS, "waited " + elapsed + " ms");
        assertFalse(consumer.isClosed(), "a timeout is not the end of the stream");
    }

    @Test
    void aTimedGrantOnAFullQueueReturnsNullAfterTheTimeout() throws Exception {
        BBQueue queue = BBQueue.allocate(16);
        Producer producer = queue.producer();
        write(producer, new byte[16]);
        long start = System.nanoTime();
        assertNull(producer.grantExact(4, 30, TimeUnit.MILLISECONDS));
        assertNull(producer.grantMax(4, 1, TimeUnit.MILLISECONDS));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30));
        FrameProducer unused = BBQueue.allocate(8).frameProducer();
        assertNotNull(unused.grant(3, 0, TimeUnit.SECONDS), "a zero timeout is a try");
    }

    @Test
    void zeroAndNegativeTimeoutsDoNotWait() throws Exception {
        BBQueue queue = BBQueue.allocate(16);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        assertNull(consumer.read(0, TimeUnit.SECONDS));
        assertNull(consumer.splitRead(-5, TimeUnit.DAYS));
        write(producer, new byte[16]);
        assertNull(producer.grantExact(1, -1, TimeUnit.NANOSECONDS));
        assertNotNull(consumer.read(0, TimeUnit.SECONDS));
    }

    @Test
    void hugeTimeoutsDoNotOverflow() throws Exception {
        BBQueue queue = BBQueue.allocate(16);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 3));
        assertNotNull(consumer.read(Long.MAX_VALUE, TimeUnit.DAYS));
        assertNotNull(producer.grantExact(4, Long.MAX_VALUE, TimeUnit.NANOSECONDS));
    }

    @Test
    void requestsThatCanNeverSucceedFailAtOnceInsteadOfWaiting() {
        BBQueue queue = BBQueue.allocate(16);
        Producer producer = queue.producer();
        assertThrows(IllegalArgumentException.class, () -> producer.grantExact(17));
        assertThrows(IllegalArgumentException.class, () -> producer.grantExact(0, 1, TimeUnit.DAYS));
        assertThrows(IllegalArgumentException.class, () -> producer.grantMax(0));
        FrameProducer frames = BBQueue.allocate(16).frameProducer();
        assertThrows(IllegalArgumentException.class, () -> frames.grant(16));
        assertThrows(IllegalArgumentException.class, () -> frames.write(new byte[16], 0, 16, 1, TimeUnit.DAYS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void interruptingABlockedReadThrowsInterruptedException(String name, WaitStrategy strategy) throws Exception {
        Consumer consumer = queue(16, strategy).consumer();
        AtomicReference<Thread> reader = new AtomicReference<>();
        Future<Object> read = async(() -> {
            reader.set(Thread.currentThread());
            return consumer.read();
        });
        while (reader.get() == null) {
            Thread.onSpinWait();
        }
        reader.get().interrupt();
        ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
        assertTrue(e.getCause() instanceof InterruptedException, e.getCause().toString());
    }

    @Test
    void interruptingABlockedGrantThrowsInterruptedException() throws Exception {
        BBQueue queue = BBQueue.allocate(16);
        Producer producer = queue.producer();
        write(producer, new byte[16]);
        AtomicReference<Thread> writer = new AtomicReference<>();
        Future<Object> grant = async(() -> {
            writer.set(Thread.currentThread());
            return producer.grantExact(1);
        });
        while (writer.get() == null) {
            Thread.onSpinWait();
        }
        awaitBlocked(writer.get());
        writer.get().interrupt();
        ExecutionException e = assertThrows(ExecutionException.class, () -> grant.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
        assertTrue(e.getCause() instanceof InterruptedException);
        assertNotNull(queue.consumer().tryRead(), "nothing was lost");
    }

    @Test
    void aBlockingCallOnAnInterruptedThreadThrowsAtOnceLikeJavaUtilConcurrent() throws Exception {
        BBQueue queue = BBQueue.allocate(16);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 4));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, consumer::read);
        assertFalse(Thread.currentThread().isInterrupted(), "the status is cleared, as by InterruptedException");
        assertNotNull(consumer.read(), "the data is still there");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void noWakeUpIsLostWhenBothSidesBlockAllTheTime(String name, WaitStrategy strategy) throws Exception {
        // A 16-byte ring and 4..12-byte frames: each side waits for the other almost every step. A
        // lost wake-up hangs one side, which the timeout of this test turns into a failure.
        BBQueue queue = queue(16, strategy);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        int frames = 20_000;
        Future<Integer> writer = async(() -> {
            byte[] frame = new byte[12];
            for (int i = 0; i < frames; i++) {
                int len = 4 + i % 9;
                java.nio.ByteBuffer.wrap(frame).putInt(i);
                FrameGrant grant = producer.grant(len);
                grant.buffer().put(frame, 0, len);
                grant.commit(len);
            }
            producer.close();
            return frames;
        });
        int expected = 0;
        Frame frame;
        while ((frame = consumer.read()) != null) {
            assertEquals(expected, frame.buffer().getInt(0));
            assertEquals(4 + expected % 9, frame.length());
            frame.release();
            expected++;
        }
        assertEquals(frames, writer.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
        assertEquals(frames, expected);
        assertTrue(consumer.isClosed());
    }

    @Test
    void theFullCapacityHandshakeCompletesWithBothSidesBlocked() throws Exception {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 5));
        assertArrayEquals(sequence(1, 5), readAll(consumer)); // drained at position 5
        Future<byte[]> reader = async(() -> {
            ReadGrant grant = consumer.read(); // blocks: empty
            byte[] bytes = remaining(grant.buffer());
            grant.release(grant.length());
            return bytes;
        });
        WriteGrant whole = producer.grantExact(32, GENEROUS_MS, TimeUnit.MILLISECONDS);
        assertNotNull(whole, "the blocked consumer was woken by the empty wrap and followed it");
        whole.buffer().put(sequence(9, 32));
        whole.commit(32);
        assertArrayEquals(sequence(9, 32), reader.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
    }

    @Test
    void blockingWorksOnVirtualThreadsWhereTheRuntimeHasThem() throws Throwable {
        // Thread.ofVirtual() exists from JDK 21; the suite's second run (JDK 25) takes this path.
        // On JDK 17 the same scenario runs on platform threads.
        MethodHandle startVirtual = virtualThreadStarter();
        boolean virtual = startVirtual != null;
        if (Runtime.version().feature() >= 21) {
            assertTrue(virtual, "JDK " + Runtime.version() + " must offer virtual threads");
        }
        BBQueue queue = BBQueue.allocate(64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        int frames = 10_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] received = {0};
        Runnable readLoop = () -> {
            try {
                Frame frame;
                while ((frame = consumer.read()) != null) {
                    if (frame.buffer().getInt(0) != received[0]) {
                        throw new AssertionError("out of order");
                    }
                    received[0]++;
                    frame.release();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        };
        Runnable writeLoop = () -> {
            try {
                byte[] frame = new byte[20];
                for (int i = 0; i < frames; i++) {
                    java.nio.ByteBuffer.wrap(frame).putInt(i);
                    assertTrue(producer.write(frame, 0, frame.length, 1, TimeUnit.MINUTES));
                }
                producer.close();
            } catch (Throwable t) {
                failure.set(t);
            }
        };
        Thread reader = start(startVirtual, readLoop);
        Thread writer = start(startVirtual, writeLoop);
        writer.join(GENEROUS_MS);
        reader.join(GENEROUS_MS);
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(frames, received[0]);
        assertEquals(virtual, isVirtual(reader));
    }

    private static MethodHandle virtualThreadStarter() throws Exception {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            MethodHandle start = MethodHandles.publicLookup().findVirtual(
                    Class.forName("java.lang.Thread$Builder"), "start", MethodType.methodType(Thread.class, Runnable.class));
            return start.bindTo(builder);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Thread start(MethodHandle startVirtual, Runnable body) throws Throwable {
        if (startVirtual != null) {
            return (Thread) startVirtual.invoke(body);
        }
        Thread t = new Thread(body);
        t.start();
        return t;
    }

    private static boolean isVirtual(Thread thread) throws Exception {
        try {
            return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    @Test
    void waitStrategiesRejectBadPhases() {
        assertThrows(IllegalArgumentException.class, () -> WaitStrategy.backoff(-1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> WaitStrategy.backoff(0, -1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> WaitStrategy.backoff(0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> WaitStrategy.backoff(0, 0, 10, 5));
        assertTrue(WaitStrategy.blocking().signals());
        assertFalse(WaitStrategy.backoff().signals());
        assertEquals(WaitStrategy.blocking(), BBQueue.allocate(4).waitStrategy(), "the default");
    }

    @Test
    void aCustomStrategyThatParksWithoutSignalsCannotHang() throws Exception {
        // Waiter.park on a non-signalling queue parks at most 1 ms, so nothing relies on a signal
        // that never comes.
        WaitStrategy parkOnly = (round, remaining, waiter) -> waiter.park(remaining);
        BBQueue queue = queue(16, parkOnly);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        Future<byte[]> read = async(() -> {
            ReadGrant grant = consumer.read();
            return remaining(grant.buffer());
        });
        Thread.sleep(5);
        write(producer, sequence(1, 2));
        assertArrayEquals(sequence(1, 2), read.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
    }
}
