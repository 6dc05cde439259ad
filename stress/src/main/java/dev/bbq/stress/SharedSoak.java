package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.QueueStats;
import dev.bbq.SharedFrameGrant;
import dev.bbq.SharedReusableGrant;
import dev.bbq.SharedFrameProducer;
import dev.bbq.WaitStrategy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

/**
 * The soak of several producer threads: four threads write checksummed frames through one
 * {@link SharedFrameProducer} with every call it has (copies, waiting writes, {@code writeOrDrop},
 * grants in place, waiting grants, aborted grants, one-shot and into each thread's own
 * {@link SharedReusableGrant}) into a small ring, while one consumer reads them
 * one by one or drains them. It fails on a frame that is corrupt (CRC-32), out of its producer's order
 * or repeated (per-producer sequence numbers), on one that was written but never arrived, on drops
 * the queue did not count, on a thread that stops making progress, and on a run that did not exercise
 * what it is meant to (drops, waits, refusals, aborted grants). Frames of up to 300 bytes in rings of
 * 2 and 4 KiB wrap every few frames.
 *
 * <p>Each producer numbers every frame it offers; a frame that was refused or dropped keeps its
 * number, so the consumer sees gaps exactly where the producer knows it lost a frame. At the end the
 * producers stop, the main thread closes the shared producer, the consumer reads to the end of the
 * stream, and the totals must equal each producer's own ledger and the queue's statistics.
 *
 * <p>Two queues share the time: a heap ring with the default blocking strategy (waits signalled by
 * the consumer, R9) and a direct ring with the yielding strategy.
 *
 * <p>Usage: {@code java -cp jcstress.jar dev.bbq.stress.SharedSoak [seconds] [seed]} (default 15).
 */
final class SharedSoak {
    static final int PRODUCERS = 4;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private SharedSoak() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 15;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        System.out.printf(Locale.ROOT, "shared soak: %.0f s, %d producer threads, seed %d, JDK %s%n", seconds,
                PRODUCERS, seed, Runtime.version());
        long nanos = (long) (seconds * 1e9 / 2);
        boolean passed = run("blocking, heap, 2 KiB",
                BBQueue.builder().capacity(2039).waitStrategy(WaitStrategy.blocking()).build(), nanos, seed);
        passed &= run("yielding, direct, 4 KiB",
                BBQueue.builder().capacity(4096).direct().waitStrategy(WaitStrategy.yielding()).build(), nanos, seed + 1);
        System.out.println("shared soak: " + (passed ? "PASSED" : "FAILED"));
        System.exit(passed ? 0 : 1);
    }

    /** What one producer thread did, read by the main thread after joining it. */
    static final class Ledger {
        long offered;
        long written;
        long dropped;
        long refused;
        long waited;
        long aborted;
        volatile long progress = System.nanoTime();
    }

    static boolean run(String name, BBQueue queue, long nanos, long seed) throws InterruptedException {
        SharedFrameProducer producer = queue.sharedFrameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        AtomicReference<String> failure = new AtomicReference<>();
        Ledger[] ledgers = new Ledger[PRODUCERS];
        long[] received = new long[PRODUCERS];
        long[] nextSeq = new long[PRODUCERS];
        long end = System.nanoTime() + nanos;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            Ledger ledger = ledgers[p] = new Ledger();
            int id = p;
            SplittableRandom random = new SplittableRandom(seed * 31 + p);
            threads.add(new Thread(() -> {
                try {
                    produce(producer, id, ledger, random, end);
                } catch (Throwable t) {
                    failure.compareAndSet(null, "producer " + id + " threw " + t);
                }
            }, "producer-" + p));
        }
        Thread reader = new Thread(() -> {
            SplittableRandom random = new SplittableRandom(seed);
            try {
                while (true) {
                    if (random.nextInt(4) == 0) {
                        consumer.drain(frame -> accept(frame, received, nextSeq, failure), 1 + random.nextInt(16));
                        if (producer.isClosed() && consumer.isClosed()) {
                            break;
                        }
                        continue;
                    }
                    Frame frame = consumer.read(100, TimeUnit.MILLISECONDS);
                    if (frame == null) {
                        if (consumer.isClosed()) {
                            break; // the end of the stream
                        }
                        continue;
                    }
                    accept(frame.buffer(), received, nextSeq, failure);
                    frame.release();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, "consumer threw " + t);
            }
        }, "consumer");
        threads.forEach(Thread::start);
        reader.start();
        for (Thread t : threads) {
            while (t.isAlive()) {
                t.join(1000);
                for (int p = 0; p < PRODUCERS; p++) {
                    if (t.isAlive() && System.nanoTime() - ledgers[p].progress > STALL_NANOS) {
                        failure.compareAndSet(null, "producer " + p + " made no progress for 30 s");
                        t.interrupt();
                    }
                }
            }
        }
        producer.close(); // all producer threads are done: the stream ends after their last frame
        reader.join(TimeUnit.NANOSECONDS.toMillis(STALL_NANOS));
        if (reader.isAlive()) {
            failure.compareAndSet(null, "the consumer did not see the end of the stream");
            reader.interrupt();
        }

        QueueStats stats = queue.stats();
        long written = 0;
        long dropped = 0;
        long refused = 0;
        long waited = 0;
        long aborted = 0;
        StringBuilder perProducer = new StringBuilder();
        for (int p = 0; p < PRODUCERS; p++) {
            Ledger l = ledgers[p];
            written += l.written;
            dropped += l.dropped;
            refused += l.refused;
            waited += l.waited;
            aborted += l.aborted;
            perProducer.append(String.format(Locale.ROOT, " %d:%,d", p, l.written));
            if (received[p] != l.written) {
                failure.compareAndSet(null, "producer " + p + " wrote " + l.written + " frames, " + received[p] + " arrived");
            }
        }
        if (stats.framesCommitted() != written) {
            failure.compareAndSet(null, "the queue counted " + stats.framesCommitted() + " commits, the producers " + written);
        }
        if (stats.framesDropped() != dropped) {
            failure.compareAndSet(null, "the queue counted " + stats.framesDropped() + " drops, the producers " + dropped);
        }
        if (written == 0 || dropped == 0 || refused == 0 || waited == 0 || aborted == 0) {
            failure.compareAndSet(null, "not every path was exercised: written " + written + ", dropped " + dropped
                    + ", refused " + refused + ", waited " + waited + ", aborted " + aborted);
        }
        System.out.printf(Locale.ROOT, "  %s: %,d frames written and checked (per producer%s), %,d dropped, "
                + "%,d refused, %,d waits, %,d grants aborted; queue: %,d refused%n", name, written, perProducer,
                dropped, refused, waited, aborted, stats.grantsRefused());
        String failed = failure.get();
        if (failed != null) {
            System.out.println("  FAILED: " + failed);
        }
        return failed == null;
    }

    /** One producer thread: a random mix of every call until the time is up. */
    static void produce(SharedFrameProducer producer, int id, Ledger ledger, SplittableRandom random, long end)
            throws InterruptedException {
        SharedReusableGrant reusable = new SharedReusableGrant(); // this thread's: it runs produce
        while (System.nanoTime() < end) {
            long seq = ledger.offered++;
            byte[] frame = frame(id, seq, random.nextInt(16, 300));
            int call = random.nextInt(12);
            boolean ok;
            if (call < 3) {
                ok = producer.tryWrite(frame, 0, frame.length);
                ledger.refused += ok ? 0 : 1;
            } else if (call < 5) {
                ok = producer.writeOrDrop(frame, 0, frame.length);
                ledger.dropped += ok ? 0 : 1;
            } else if (call < 7) {
                ok = producer.write(frame, 0, frame.length, 10, TimeUnit.MILLISECONDS);
                ledger.waited++;
                ledger.refused += ok ? 0 : 1;
            } else if (call < 8) {
                ok = producer.tryWrite(ByteBuffer.wrap(frame));
                ledger.refused += ok ? 0 : 1;
            } else if (call >= 10) {
                boolean granted = call == 10 ? producer.tryGrant(frame.length + 8, reusable)
                        : producer.grant(frame.length + 8, reusable, 10, TimeUnit.MILLISECONDS);
                if (!granted) {
                    ok = false;
                    ledger.refused++;
                } else if (random.nextInt(20) == 0) {
                    reusable.close(); // aborted: nothing published, the number stays a gap
                    ok = false;
                    ledger.aborted++;
                } else {
                    reusable.put(0, frame, 0, frame.length);
                    reusable.commit(frame.length);
                    ok = true;
                }
            } else {
                SharedFrameGrant grant = call == 8 ? producer.tryGrant(frame.length + 8)
                        : producer.grant(frame.length + 8, 10, TimeUnit.MILLISECONDS);
                if (grant == null) {
                    ok = false;
                    ledger.refused++;
                } else if (random.nextInt(20) == 0) {
                    grant.close(); // aborted: nothing published, the number stays a gap
                    ok = false;
                    ledger.aborted++;
                } else {
                    grant.put(0, frame, 0, frame.length);
                    grant.commit(frame.length);
                    ok = true;
                }
            }
            if (ok) {
                ledger.written++;
            }
            ledger.progress = System.nanoTime();
        }
    }

    /** A frame of {@code length} bytes: producer id, sequence number, bytes derived from both, CRC-32. */
    static byte[] frame(int id, long seq, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(id).putLong(seq);
        while (b.remaining() > 4) {
            b.put((byte) (seq * 7 + b.position() + id));
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, length - 4);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Checks one frame where it lies in the ring. */
    static void accept(ByteBuffer frame, long[] received, long[] nextSeq, AtomicReference<String> failure) {
        int length = frame.remaining();
        byte[] bytes = new byte[length];
        frame.duplicate().get(bytes);
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length - 4);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (length < 16 || b.getInt(length - 4) != (int) crc.getValue()) {
            failure.compareAndSet(null, "a corrupt frame of " + length + " bytes");
            return;
        }
        int id = b.getInt(0);
        long seq = b.getLong(4);
        if (id < 0 || id >= PRODUCERS || seq < nextSeq[id]) {
            failure.compareAndSet(null, "producer " + id + "'s frame " + seq + " arrived after " + (nextSeq[id] - 1));
            return;
        }
        nextSeq[id] = seq + 1;
        received[id]++;
    }
}
