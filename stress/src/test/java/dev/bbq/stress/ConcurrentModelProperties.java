package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameGrant;
import dev.bbq.FrameHandler;
import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.QueueStats;
import dev.bbq.ReadGrant;
import dev.bbq.SplitReadGrant;
import dev.bbq.WaitStrategy;
import dev.bbq.WriteGrant;
import dev.bbq.internal.Secrets;
import dev.bbq.internal.StressAccess;
import dev.bbq.internal.StressAccess.RingView;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model checks under concurrency: jqwik draws a ring (capacity 1 to 64, heap or direct), a wait
 * strategy, a producer script and a consumer script, and the two scripts run at the same time on two
 * threads. The build runs this class in a JVM with {@code -Dbbq.chaos=true}, so the state machine
 * pauses at random between its steps and the two scripts interleave in ever different ways.
 *
 * <p>The model is the byte stream (raw) or frame sequence (framed) the producer committed, in order.
 * Checked while running: every byte or frame the consumer is shown is the next one of the model
 * (nothing lost, repeated, reordered, stale or uncommitted); no grant, at the moment it is made,
 * overlaps bytes the consumer has not released (the producer compares the grant with a lower bound
 * of the bytes in use, R4/R6). Checked when both sides are done (the main thread, after join): the
 * consumer got everything up to the end of the stream (R10), the shared indices satisfy I1 to I3,
 * the statistics match the model, and a drained ring grants its whole capacity after one read
 * attempt (R8).
 *
 * <p>Shrinking is off: a concurrent failure does not reproduce on demand, so jqwik reports the
 * failing sample and seed as drawn.
 */
class ConcurrentModelProperties {
    /** Chaos mode and the ring's shared words (for the invariants), which the public API does not show. */
    private static final StressAccess INTERNALS = Secrets.stressAccess();
    private static final AtomicLong RUNS = new AtomicLong();

    /** Byte {@code i} of the raw stream. */
    static byte at(long i) {
        return (byte) (i * 7 + (i >>> 8) + 1);
    }

    @Provide
    Arbitrary<List<Integer>> script() {
        return Arbitraries.integers().between(0, 1 << 20).list().ofMinSize(1).ofMaxSize(400);
    }

    @Provide
    Arbitrary<WaitStrategy> strategy() {
        return Arbitraries.of(WaitStrategy.blocking(), WaitStrategy.busySpin(), WaitStrategy.yielding(),
                WaitStrategy.backoff(2, 2, 1_000, 100_000));
    }

    @AfterContainer
    static void report() {
        System.out.println("ConcurrentModelProperties: " + RUNS.get() + " concurrent runs, chaos "
                + (INTERNALS.chaosEnabled() ? "on" : "off"));
    }

    @Property(tries = 500, shrinking = ShrinkingMode.OFF)
    void rawQueueUnderConcurrencyBehavesLikeAByteStream(
            @ForAll @IntRange(min = 1, max = 64) int capacity, @ForAll boolean direct,
            @ForAll("strategy") WaitStrategy strategy,
            @ForAll("script") List<Integer> producerScript, @ForAll("script") List<Integer> consumerScript)
            throws Exception {
        BBQueue queue = build(capacity, direct, strategy);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        AtomicLong committed = new AtomicLong(); // raised before each commit: an upper bound of what is published
        AtomicLong released = new AtomicLong();  // raised before each release: an upper bound of what is freed
        long[] received = {0};
        runBoth(() -> {
            long offset = 0;
            for (int op : producerScript) {
                int kind = op & 7;
                int size = 1 + (op >>> 3) % capacity;
                WriteGrant grant;
                if (kind < 3) {
                    grant = producer.tryGrantExact(size);
                } else if (kind < 5) {
                    grant = producer.tryGrantMax(1 + (op >>> 3) % (2 * capacity));
                } else if (kind == 5) {
                    grant = producer.grantExact(size, 200, TimeUnit.MICROSECONDS);
                } else {
                    grant = producer.grantMax(size, 200, TimeUnit.MICROSECONDS);
                }
                if (grant == null) {
                    continue;
                }
                long inUse = offset - released.get(); // at most what the consumer still holds
                assertTrue(grant.length() + inUse <= capacity, "a grant of " + grant.length()
                        + " bytes overlaps unreleased bytes: " + inUse + " in use in " + capacity);
                ByteBuffer view = grant.buffer();
                int used = (op >>> 12) % 4 == 0 ? (op >>> 14) % (grant.length() + 1) : grant.length();
                for (int i = 0; i < grant.length(); i++) {
                    view.put(i, i < used ? at(offset + i) : (byte) ~at(offset + i));
                }
                if ((op >>> 16) % 16 == 0) {
                    grant.close(); // abandoned
                    continue;
                }
                committed.addAndGet(used);
                grant.commit(used);
                offset += used;
            }
            producer.close();
        }, () -> {
            for (int op : consumerScript) {
                int kind = op & 3;
                if (kind == 3) {
                    SplitReadGrant grant = consumer.trySplitRead();
                    if (grant != null) {
                        int n = (op >>> 2) % 3 == 0 ? (op >>> 4) % (grant.length() + 1) : grant.length();
                        int first = Math.min(n, grant.first().remaining());
                        check(grant.first(), first, received, committed);
                        check(grant.second(), n - first, received, committed);
                        released.addAndGet(n);
                        grant.release(n);
                    }
                } else {
                    ReadGrant grant = kind == 2 ? consumer.read(200, TimeUnit.MICROSECONDS) : consumer.tryRead();
                    if (grant != null) {
                        int n = (op >>> 2) % 3 == 0 ? (op >>> 4) % (grant.length() + 1) : grant.length();
                        check(grant.buffer(), n, received, committed);
                        released.addAndGet(n);
                        grant.release(n);
                    }
                }
            }
            drainToEnd(consumer, received, committed, released);
        });
        assertEquals(committed.get(), received[0], "the consumer received every committed byte");
        QueueStats stats = queue.stats();
        assertEquals(committed.get(), stats.bytesCommitted());
        assertEquals(received[0], stats.bytesReleased());
        checkInvariants(INTERNALS.ring(queue));
        RUNS.incrementAndGet();
    }

    private static void check(ByteBuffer view, int n, long[] received, AtomicLong committed) {
        assertTrue(received[0] + n <= committed.get(), "shown bytes beyond the last commit");
        for (int i = 0; i < n; i++) {
            byte b = view.get(view.position() + i);
            if (b != at(received[0] + i)) {
                throw new AssertionError("stream byte " + (received[0] + i) + " is " + b + ", expected "
                        + at(received[0] + i));
            }
        }
        received[0] += n;
    }

    private static void drainToEnd(Consumer consumer, long[] received, AtomicLong committed, AtomicLong released)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!consumer.isClosed()) {
            assertTrue(System.nanoTime() < deadline, "no end of stream within 30 s");
            ReadGrant grant = consumer.read(10, TimeUnit.MILLISECONDS);
            if (grant != null) {
                check(grant.buffer(), grant.length(), received, committed);
                released.addAndGet(grant.length());
                grant.release(grant.length());
            }
        }
    }

    @Property(tries = 500, shrinking = ShrinkingMode.OFF)
    void framedQueueUnderConcurrencyBehavesLikeAFrameSequence(
            @ForAll @IntRange(min = 2, max = 64) int capacity, @ForAll boolean direct,
            @ForAll("strategy") WaitStrategy strategy,
            @ForAll("script") List<Integer> producerScript, @ForAll("script") List<Integer> consumerScript)
            throws Exception {
        BBQueue queue = build(capacity, direct, strategy);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        int maxFrame = producer.maxFrameLength();
        AtomicLong committed = new AtomicLong(); // frames, raised before each commit
        long[] received = {0};
        runBoth(() -> {
            long seq = 0;
            byte[] scratch = new byte[maxFrame];
            for (int op : producerScript) {
                int kind = op & 3;
                int length = (op >>> 2) % (maxFrame + 1);
                boolean sent;
                if (kind < 2) {
                    int max = Math.min(maxFrame, length + (op >>> 12) % 4);
                    FrameGrant grant = kind == 0 ? producer.tryGrant(max) : producer.grant(max, 200, TimeUnit.MICROSECONDS);
                    sent = grant != null;
                    if (sent) {
                        fillFrame(grant.buffer(), seq, length);
                        if ((op >>> 16) % 16 == 0) {
                            grant.close(); // aborted
                            continue;
                        }
                        committed.incrementAndGet();
                        grant.commit(length);
                    }
                } else {
                    fillFrame(ByteBuffer.wrap(scratch), seq, length);
                    committed.incrementAndGet(); // undone below if refused
                    sent = kind == 2 ? producer.tryWrite(scratch, 0, length)
                            : producer.write(scratch, 0, length, 200, TimeUnit.MICROSECONDS);
                    if (!sent) {
                        committed.decrementAndGet();
                    }
                }
                if (sent) {
                    seq++;
                }
            }
            producer.close();
        }, () -> {
            FrameHandler handler = frame -> checkFrame(frame, received, committed);
            for (int op : consumerScript) {
                int kind = op & 3;
                if (kind == 0) {
                    consumer.drain(handler, 1 + (op >>> 2) % 8);
                } else if (kind == 1) {
                    consumer.drain(handler, 1 + (op >>> 2) % 8, 200, TimeUnit.MICROSECONDS);
                } else {
                    Frame frame = kind == 2 ? consumer.tryRead() : consumer.read(200, TimeUnit.MICROSECONDS);
                    if (frame != null) {
                        if ((op >>> 2) % 5 == 0) {
                            frame.close(); // kept: the next read must return it again
                        } else {
                            checkFrame(frame.buffer(), received, committed);
                            frame.release();
                        }
                    }
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!consumer.isClosed()) {
                assertTrue(System.nanoTime() < deadline, "no end of stream within 30 s");
                consumer.drain(handler, 8, 10, TimeUnit.MILLISECONDS);
            }
        });
        assertEquals(committed.get(), received[0], "the consumer received every committed frame");
        QueueStats stats = queue.stats();
        assertEquals(committed.get(), stats.framesCommitted());
        assertEquals(received[0], stats.framesReleased());
        checkInvariants(INTERNALS.ring(queue));
        RUNS.incrementAndGet();
    }

    /**
     * Frame {@code seq} of {@code length} bytes: its bytes are derived from its sequence number and
     * position, so a frame from elsewhere in the sequence, or torn, does not match.
     */
    private static void fillFrame(ByteBuffer view, long seq, int length) {
        for (int i = 0; i < length; i++) {
            view.put(i, at(seq * 1_000 + i));
        }
    }

    private static void checkFrame(ByteBuffer frame, long[] received, AtomicLong committed) {
        long seq = received[0];
        assertTrue(seq < committed.get(), "shown a frame beyond the last commit");
        for (int i = 0; i < frame.remaining(); i++) {
            if (frame.get(frame.position() + i) != at(seq * 1_000 + i)) {
                throw new AssertionError("frame " + seq + " of " + frame.remaining() + " bytes is not the frame due");
            }
        }
        received[0]++;
    }

    private static BBQueue build(int capacity, boolean direct, WaitStrategy strategy) {
        BBQueue.Builder builder = BBQueue.builder().capacity(capacity).waitStrategy(strategy);
        return (direct ? builder.direct() : builder.heap()).build();
    }

    private interface Side {
        void run() throws Exception;
    }

    /** Runs the two sides on two threads and rethrows the first failure; each side closes its half on failure. */
    private static void runBoth(Side producerSide, Side consumerSide) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CyclicBarrier start = new CyclicBarrier(2); // both scripts start together, so they overlap
        Thread producer = new Thread(() -> {
            try {
                start.await();
                producerSide.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "model-producer");
        Thread consumer = new Thread(() -> {
            try {
                start.await();
                consumerSide.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "model-consumer");
        producer.start();
        consumer.start();
        producer.join(TimeUnit.SECONDS.toMillis(60));
        consumer.join(TimeUnit.SECONDS.toMillis(60));
        if (failure.get() != null) {
            throw new AssertionError("a side failed", failure.get());
        }
        assertTrue(!producer.isAlive() && !consumer.isAlive(), "a side is stuck: " + failure.get());
    }

    /** At rest (both sides joined): I1 to I3 on the shared words, read through the state machine's accessors. */
    private static void checkInvariants(RingView ring) {
        int capacity = ring.capacity();
        int read = ring.sharedRead();
        int write = ring.sharedWrite();
        int last = ring.sharedLast();
        String state = "read " + read + ", write " + write + ", last " + last + ", capacity " + capacity;
        assertTrue(0 <= read && read <= capacity && 0 <= write && write <= capacity && 0 <= last && last <= capacity,
                "I1: " + state);
        if (write < read) {
            assertTrue(read <= last, "I2: " + state);
        } else {
            assertTrue(write <= last, "I3: " + state);
        }
    }

    /** R8 at rest, on a queue drained by two threads: checked separately because closing ends the halves. */
    @Property(tries = 150, shrinking = ShrinkingMode.OFF)
    void drainedRingGrantsItsWholeCapacityAfterOneLook(
            @ForAll @IntRange(min = 1, max = 64) int capacity, @ForAll("script") List<Integer> sizes) throws Exception {
        BBQueue queue = BBQueue.builder().capacity(capacity).waitStrategy(WaitStrategy.busySpin()).build();
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        long total = 0;
        for (int size : sizes) {
            total += 1 + size % capacity;
        }
        long toSend = total;
        runBoth(() -> {
            long sent = 0;
            int i = 0;
            while (sent < toSend) {
                int size = (int) Math.min(1 + sizes.get(i % sizes.size()) % capacity, toSend - sent);
                WriteGrant grant = producer.grantExact(size, 10, TimeUnit.SECONDS);
                assertNotNull(grant, "no room for " + size + " bytes within 10 s");
                grant.commit(size);
                sent += size;
                i++;
            }
        }, () -> {
            long got = 0;
            while (got < toSend) {
                ReadGrant grant = consumer.read(10, TimeUnit.SECONDS);
                assertNotNull(grant, "no data within 10 s");
                got += grant.length();
                grant.release(grant.length());
            }
        });
        // Both threads are done and joined: the ring is drained wherever the last release left it.
        WriteGrant whole = producer.tryGrantExact(capacity);
        if (whole == null) {
            assertNull(consumer.tryRead(), "a drained ring shows no bytes");
            whole = producer.tryGrantExact(capacity);
        }
        assertNotNull(whole, "R8: the whole capacity after one read attempt, " + INTERNALS.ring(queue));
        whole.commit(capacity);
        checkInvariants(INTERNALS.ring(queue));
        RUNS.incrementAndGet();
    }
}
