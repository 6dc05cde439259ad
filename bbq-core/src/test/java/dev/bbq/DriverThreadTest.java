package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver-thread life cycle every pump and sink shares: start, turns, stop, failure, counters. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DriverThreadTest {
    private static final long GENEROUS_SECONDS = 20;

    /** What a test's turn does; the driver passed in is the one running it. */
    interface Turn {
        boolean run(Driver driver) throws IOException, InterruptedException;
    }

    /** A driver whose turns the test scripts, recording which thread ran them and how it ended. */
    static final class Driver extends DriverThread {
        final Turn turn;
        final AtomicInteger turns = new AtomicInteger();
        final AtomicInteger ends = new AtomicInteger();
        final AtomicReference<Thread> turnThread = new AtomicReference<>();
        final AtomicReference<Thread> endThread = new AtomicReference<>();
        volatile RuntimeException endFailure;

        Driver(Turn turn, long stopWaitSeconds) {
            super("test-driver", 2, stopWaitSeconds, TimeUnit.SECONDS);
            this.turn = turn;
        }

        Driver(Turn turn) {
            this(turn, GENEROUS_SECONDS);
        }

        static Driver started(Turn turn) {
            Driver d = new Driver(turn);
            d.start();
            return d;
        }

        @Override
        protected boolean turn() throws IOException, InterruptedException {
            turnThread.set(Thread.currentThread());
            turns.incrementAndGet();
            return turn.run(this);
        }

        @Override
        protected void end() {
            ends.incrementAndGet();
            endThread.set(Thread.currentThread());
            if (endFailure != null) {
                throw endFailure;
            }
        }

        void count(int counter, long n) {
            add(counter, n);
        }

        long read(int counter) {
            return counter(counter);
        }

        void startAgain() {
            start();
        }
    }

    /** The user guide's and the class comment's example, as written there. */
    static final class ChannelPump extends DriverThread {
        private final ReadableByteChannel in;
        private final Producer producer;

        private ChannelPump(ReadableByteChannel in, Producer producer) {
            super("channel-pump", 0, 2, TimeUnit.SECONDS);
            this.in = in;
            this.producer = producer;
        }

        static ChannelPump start(ReadableByteChannel in, Producer producer) {
            ChannelPump pump = new ChannelPump(in, producer);
            pump.start();
            return pump;
        }

        @Override
        protected boolean turn() throws IOException {
            return producer.readFrom(in) >= 0;   // go on until the channel's end
        }

        @Override
        protected void end() {
            producer.close();
        }
    }

    /** A turn that parks briefly and goes on: an idle device. */
    static boolean idle(Driver d) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        return true;
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GENEROUS_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(1);
        }
    }

    @Test
    void aDriverIsNotRunningUntilStartedAndRunsItsTurnsOnItsOwnDaemonThread() throws Exception {
        Driver d = new Driver(DriverThreadTest::idle);
        assertFalse(d.isRunning());
        assertEquals(0, d.turns.get());
        d.start();
        assertTrue(d.isRunning());
        awaitTrue(() -> d.turns.get() > 0, "a turn ran");
        Thread t = d.turnThread.get();
        assertTrue(t != Thread.currentThread() && t.isDaemon(), "a daemon thread of its own");
        assertEquals("test-driver", t.getName());
        d.close();
    }

    @Test
    void theGuidesChannelPumpMovesAChannelIntoTheQueueAndEndsTheStreamAtTheChannelsEnd() throws Exception {
        byte[] input = Bytes.sequence(0, 10_000);
        BBQueue queue = BBQueue.allocate(1024);
        Consumer consumer = queue.consumer();
        ChannelPump pump = ChannelPump.start(Channels.newChannel(new ByteArrayInputStream(input)), queue.producer());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        consumer.asInputStream().transferTo(got); // to the end of the stream, which end() makes
        assertArrayEquals(input, got.toByteArray());
        assertTrue(pump.awaitStop(GENEROUS_SECONDS, TimeUnit.SECONDS));
        assertNull(pump.failure());
    }

    @Test
    void startingTwiceIsRefusedAndLeavesTheRunningDriverAlone() throws Exception {
        Driver d = Driver.started(DriverThreadTest::idle);
        IllegalStateException e = assertThrows(IllegalStateException.class, d::startAgain);
        assertTrue(e.getMessage().contains("already started"), e.getMessage());
        assertTrue(d.isRunning());
        d.close();
        assertThrows(IllegalStateException.class, d::startAgain, "nor can a stopped driver start again");
    }

    @Test
    void closeBeforeStartEndsAtOnceOnTheCallingThreadAndTheDriverNeverStarts() throws Exception {
        Driver d = new Driver(DriverThreadTest::idle);
        d.close();
        assertEquals(1, d.ends.get(), "end() closed the queue half the driver owns");
        assertSame(Thread.currentThread(), d.endThread.get());
        assertFalse(d.isRunning());
        assertTrue(d.awaitStop(0, TimeUnit.SECONDS), "it has ended");
        assertNull(d.failure());
        IllegalStateException e = assertThrows(IllegalStateException.class, d::startAgain);
        assertTrue(e.getMessage().contains("closed before it was started"), e.getMessage());
        assertEquals(0, d.turns.get(), "no turn ever ran");
        d.close();
        assertEquals(1, d.ends.get(), "closing twice ends once");
    }

    @Test
    void closeJoinsTheThreadAfterEndRanOnceOnIt() throws Exception {
        Driver d = Driver.started(DriverThreadTest::idle);
        awaitTrue(() -> d.turns.get() > 0, "a turn ran");
        d.close();
        Thread t = d.turnThread.get();
        assertFalse(t.isAlive(), "close() returns once the thread has terminated");
        assertFalse(d.isRunning());
        assertEquals(1, d.ends.get());
        assertSame(t, d.endThread.get(), "end() ran on the driver thread");
        assertNull(d.failure(), "a stop request is a normal end");
        d.close(); // idempotent
        assertEquals(1, d.ends.get());
    }

    @Test
    void closeWakesATurnParkedUntilItsNextTriggerInsteadOfWaitingItOut() throws Exception {
        CountDownLatch parked = new CountDownLatch(1);
        Driver d = Driver.started(driver -> {
            parked.countDown();
            LockSupport.parkNanos(TimeUnit.MINUTES.toNanos(5)); // a trigger's wait for its next transfer
            return true;
        });
        assertTrue(parked.await(GENEROUS_SECONDS, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        d.close();
        assertFalse(d.isRunning());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(GENEROUS_SECONDS),
                "woken, not waited out (the park was 5 minutes)");
    }

    @Test
    void aTurnThatReturnsFalseEndsTheDriverNormally() throws Exception {
        Driver d = Driver.started(driver -> driver.turns.get() < 3);
        assertTrue(d.awaitStop(GENEROUS_SECONDS, TimeUnit.SECONDS));
        assertEquals(3, d.turns.get());
        assertEquals(1, d.ends.get());
        assertNull(d.failure());
    }

    @Test
    void anIoExceptionFromATurnIsTheFailureAsThrownKeptOnce() throws Exception {
        IOException broken = new IOException("port unplugged");
        Driver d = Driver.started(driver -> {
            throw broken;
        });
        assertTrue(d.awaitStop(GENEROUS_SECONDS, TimeUnit.SECONDS));
        assertSame(broken, d.failure());
        assertSame(d.failure(), d.failure(), "the same report every time");
        assertEquals(1, d.turns.get(), "a failure ends the driver");
        assertEquals(1, d.ends.get(), "and its queue half is closed");
    }

    /**
     * Runs a driver whose first turn throws {@code thrown} to its end, and collects in
     * {@code uncaught} what reached the uncaught-exception handler meanwhile.
     */
    static Driver throwing(Throwable thrown, List<Throwable> uncaught) throws InterruptedException {
        Driver d = new Driver(driver -> {
            if (thrown instanceof Error) {
                throw (Error) thrown;
            }
            throw (RuntimeException) thrown;
        });
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        try {
            d.start();
            assertTrue(d.awaitStop(GENEROUS_SECONDS, TimeUnit.SECONDS));
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
        assertEquals(1, d.ends.get(), "a failure, too, closes the queue half");
        return d;
    }

    @Test
    void anUnexpectedExceptionIsReportedOnceThroughFailureWithItAsTheCause() throws Exception {
        IllegalStateException bug = new IllegalStateException("a bug in the turn");
        List<Throwable> uncaught = Collections.synchronizedList(new ArrayList<>());
        Driver d = throwing(bug, uncaught);
        IOException failure = d.failure();
        assertSame(bug, failure.getCause());
        assertTrue(failure.getMessage().contains("test-driver"), "names the thread: " + failure.getMessage());
        assertSame(failure, d.failure(), "the same report every time");
        assertTrue(uncaught.isEmpty(), "not reported a second time by the uncaught handler: " + uncaught);
    }

    @Test
    void anErrorIsKeptAsTheFailureAndRethrownToTheThread() throws Exception {
        AssertionError error = new AssertionError("an error is not the driver's to swallow");
        List<Throwable> uncaught = Collections.synchronizedList(new ArrayList<>());
        assertSame(error, throwing(error, uncaught).failure().getCause());
        assertEquals(List.of(error), uncaught);
    }

    @Test
    void aFailingEndIsTheFailureOfANormalEndAndSuppressedBehindAnEarlierOne() throws Exception {
        Driver normal = new Driver(driver -> false);
        normal.endFailure = new IllegalStateException("close failed");
        normal.start();
        assertTrue(normal.awaitStop(GENEROUS_SECONDS, TimeUnit.SECONDS));
        assertSame(normal.endFailure, normal.failure().getCause());

        IOException broken = new IOException("port unplugged");
        Driver failed = new Driver(driver -> {
            throw broken;
        });
        failed.endFailure = new IllegalStateException("close failed too");
        failed.start();
        assertTrue(failed.awaitStop(GENEROUS_SECONDS, TimeUnit.SECONDS));
        assertSame(broken, failed.failure(), "the first failure stays the report");
        assertSame(failed.endFailure, broken.getSuppressed()[0]);
    }

    @Test
    void theQueuesOtherSideClosingEndsTheDriverNormally() throws Exception {
        BBQueue queue = BBQueue.allocate(64);
        Producer producer = queue.producer();
        queue.consumer().close();
        Driver d = Driver.started(driver -> {
            producer.tryGrantMax(8); // nobody is left to read: QueueClosedException
            return true;
        });
        assertTrue(d.awaitStop(GENEROUS_SECONDS, TimeUnit.SECONDS));
        assertNull(d.failure());
        assertEquals(1, d.ends.get());
    }

    @Test
    void countersAreFinalAndVisibleFromAnyThreadOnceTheDriverHasEnded() throws Exception {
        Driver d = Driver.started(driver -> {
            driver.count(0, 1);
            driver.count(1, 3);
            return driver.turns.get() < 10_000;
        });
        assertTrue(d.awaitStop(GENEROUS_SECONDS, TimeUnit.SECONDS));
        assertEquals(10_000, d.read(0));
        assertEquals(30_000, d.read(1));

        Driver stopped = Driver.started(driver -> {
            driver.count(0, 1);
            return true;
        });
        awaitTrue(() -> stopped.read(0) > 100, "the counter is visible while the driver runs");
        stopped.close();
        long last = stopped.read(0);
        assertEquals(stopped.turns.get(), last, "after close() the counter holds every turn");
        Thread.sleep(10);
        assertEquals(last, stopped.read(0), "and no longer moves");
    }

    @Test
    void anInterruptOfTheDriverThreadEndsItNormallyWhetherTheTurnThrowsOrSwallowsIt() throws Exception {
        BBQueue queue = BBQueue.allocate(64);
        Consumer consumer = queue.consumer();
        Driver waiting = Driver.started(driver -> consumer.read(GENEROUS_SECONDS * 3, TimeUnit.SECONDS) != null);
        awaitTrue(() -> waiting.turnThread.get() != null, "the turn waits for data");
        waiting.turnThread.get().interrupt();
        assertTrue(waiting.awaitStop(GENEROUS_SECONDS, TimeUnit.SECONDS), "InterruptedException from the wait");
        assertNull(waiting.failure(), "an interrupt is a stop, not a failure");
        assertEquals(1, waiting.ends.get());

        BBQueue full = BBQueue.allocate(64);
        Producer producer = full.producer();
        producer.tryGrantExact(64).commit(64);
        Driver reading = Driver.started(driver -> producer.readFrom(Channels.newChannel(new ByteArrayInputStream(
                new byte[8]))) >= 0);
        awaitTrue(() -> reading.turnThread.get() != null, "the turn waits for room");
        reading.turnThread.get().interrupt();
        assertTrue(reading.awaitStop(GENEROUS_SECONDS, TimeUnit.SECONDS), "InterruptedIOException from the wait");
        assertNull(reading.failure(), "an IOException that an interrupt caused is a stop too");

        Driver swallowing = Driver.started(driver -> {
            try {
                Thread.sleep(GENEROUS_SECONDS * 3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // a device call that only keeps the status
            }
            return true;
        });
        awaitTrue(() -> swallowing.turnThread.get() != null, "the turn sleeps");
        swallowing.turnThread.get().interrupt();
        assertTrue(swallowing.awaitStop(GENEROUS_SECONDS, TimeUnit.SECONDS), "the status is seen between turns");
        assertNull(swallowing.failure());
        assertEquals(1, swallowing.turns.get());
    }

    @Test
    void closeFromAnInterruptedThreadStopsWaitingAndKeepsTheInterrupt() throws Exception {
        CountDownLatch hang = new CountDownLatch(1);
        Driver d = new Driver(driver -> {
            while (hang.getCount() != 0) {
                try {
                    hang.await(); // a device call that does not return for a while
                } catch (InterruptedException e) {
                    // this device call ignores interrupts
                }
            }
            return true;
        }, TimeUnit.MINUTES.toSeconds(5));
        d.start();
        awaitTrue(() -> d.turnThread.get() != null, "the device call hangs");
        Thread.currentThread().interrupt();
        long t0 = System.nanoTime();
        d.close();
        assertTrue(Thread.interrupted(), "the interrupt stays set");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(GENEROUS_SECONDS), "it did not wait 5 minutes");
        assertTrue(d.isRunning(), "the hung call is still in progress");
        hang.countDown();
        assertTrue(d.awaitStop(GENEROUS_SECONDS, TimeUnit.SECONDS), "the stop request is seen after the call");
        assertNull(d.failure());
    }

    @Test
    void closeCalledFromATurnAsksAndDoesNotWaitForItself() throws Exception {
        Driver d = Driver.started(driver -> {
            driver.close();
            return true;
        });
        assertTrue(d.awaitStop(GENEROUS_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, d.turns.get());
        assertEquals(1, d.ends.get());
        assertNull(d.failure());
    }
}
