package dev.bbq;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A producer thread and a consumer thread move at least 10^8 bytes through a small ring in
 * random-size grants (exact and max, partly committed, partly released) and frames, and every byte
 * is checked. This is a correctness test under real concurrency; how fast it runs belongs to the
 * benchmarks, and the generous timeout only stops a hang.
 */
class TwoThreadTransferTest {
    private static final long TOTAL_BYTES = 100_000_000L;

    /** The byte at stream offset {@code i}: varied enough that a lost, repeated or shifted byte shows. */
    static byte expected(long i) {
        return (byte) (i ^ (i >>> 7) ^ (i >>> 17));
    }

    @ParameterizedTest
    @EnumSource(value = Storage.class, names = {"HEAP", "DIRECT"})
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void rawGrantsMove10To8BytesIntact(Storage storage) throws Exception {
        BBQueue queue = storage.queue(4093); // odd size: wrap points move around
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CRC32 sent = new CRC32();
        Thread writer = new Thread(() -> {
            try {
                SplittableRandom random = new SplittableRandom(1);
                long offset = 0;
                byte[] chunk = new byte[4093];
                while (offset < TOTAL_BYTES && failure.get() == null) {
                    int want = 1 + random.nextInt(random.nextBoolean() ? 64 : 2000);
                    WriteGrant grant = random.nextBoolean() ? producer.tryGrantExact(Math.min(want, 4093))
                            : producer.tryGrantMax(want);
                    if (grant == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    int used = random.nextInt(8) == 0 ? random.nextInt(grant.length() + 1) : grant.length();
                    used = (int) Math.min(used, TOTAL_BYTES - offset);
                    for (int i = 0; i < used; i++) {
                        chunk[i] = expected(offset + i);
                    }
                    grant.buffer().put(chunk, 0, used);
                    sent.update(chunk, 0, used);
                    grant.commit(used);
                    offset += used;
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "producer");
        CRC32 received = new CRC32();
        long[] got = {0};
        Thread reader = new Thread(() -> {
            try {
                SplittableRandom random = new SplittableRandom(2);
                byte[] copy = new byte[4093];
                while (got[0] < TOTAL_BYTES && failure.get() == null) {
                    boolean split = random.nextInt(4) == 0;
                    if (split) {
                        SplitReadGrant grant = consumer.trySplitRead();
                        if (grant == null) {
                            Thread.onSpinWait();
                            continue;
                        }
                        int n = release(random, grant.length());
                        ByteBuffer first = grant.first();
                        ByteBuffer second = grant.second();
                        int fromFirst = Math.min(n, first.remaining());
                        check(first, fromFirst, got[0], copy, received);
                        check(second, n - fromFirst, got[0] + fromFirst, copy, received);
                        grant.release(n);
                        got[0] += n;
                    } else {
                        ReadGrant grant = consumer.tryRead();
                        if (grant == null) {
                            Thread.onSpinWait();
                            continue;
                        }
                        int n = release(random, grant.length());
                        check(grant.buffer(), n, got[0], copy, received);
                        grant.release(n);
                        got[0] += n;
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "consumer");
        writer.start();
        reader.start();
        writer.join();
        reader.join();
        if (failure.get() != null) {
            throw new AssertionError("transfer failed", failure.get());
        }
        assertEquals(TOTAL_BYTES, got[0]);
        assertEquals(sent.getValue(), received.getValue());
    }

    private static int release(SplittableRandom random, int length) {
        return random.nextInt(4) == 0 ? random.nextInt(length + 1) : length;
    }

    private static void check(ByteBuffer buffer, int n, long offset, byte[] copy, CRC32 crc) {
        buffer.get(copy, 0, n);
        for (int i = 0; i < n; i++) {
            if (copy[i] != expected(offset + i)) {
                throw new AssertionError("byte " + (offset + i) + " is " + copy[i] + ", expected " + expected(offset + i));
            }
        }
        crc.update(copy, 0, n);
    }

    @ParameterizedTest
    @EnumSource(value = Storage.class, names = {"HEAP", "DIRECT"})
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void framesMove10To8BytesIntactAndInOrder(Storage storage) throws Exception {
        BBQueue queue = storage.queue(8191);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                SplittableRandom random = new SplittableRandom(3);
                byte[] frame = new byte[2048];
                long bytes = 0;
                long seq = 0;
                while (bytes < TOTAL_BYTES && failure.get() == null) {
                    int length = 8 + random.nextInt(random.nextInt(10) == 0 ? 2040 : 120);
                    fill(frame, seq, length);
                    boolean sent;
                    if (random.nextBoolean()) {
                        sent = producer.tryWrite(frame, 0, length);
                    } else {
                        FrameGrant grant = producer.tryGrant(length + random.nextInt(32));
                        sent = grant != null;
                        if (sent) {
                            grant.buffer().put(frame, 0, length);
                            grant.commit(length);
                        }
                    }
                    if (sent) {
                        seq++;
                        bytes += length;
                    } else {
                        Thread.onSpinWait();
                    }
                }
                while (!producer.tryWrite(new byte[0], 0, 0)) { // end marker
                    Thread.onSpinWait();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "frame-producer");
        long[] state = {0, 0}; // next sequence number, bytes
        boolean[] done = {false};
        FrameHandler check = buffer -> {
            if (buffer.remaining() == 0) {
                done[0] = true;
                return;
            }
            verify(buffer.duplicate(), state);
        };
        Thread reader = new Thread(() -> {
            try {
                SplittableRandom random = new SplittableRandom(4);
                while (!done[0] && failure.get() == null) {
                    if (random.nextBoolean()) {
                        if (consumer.drain(check, 1 + random.nextInt(64)) == 0) {
                            Thread.onSpinWait();
                        }
                    } else {
                        Frame frame = consumer.tryRead();
                        if (frame == null) {
                            Thread.onSpinWait();
                            continue;
                        }
                        check.onFrame(frame.buffer());
                        frame.release();
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "frame-consumer");
        writer.start();
        reader.start();
        writer.join();
        reader.join();
        if (failure.get() != null) {
            throw new AssertionError("transfer failed", failure.get());
        }
        assertEquals(true, done[0]);
        assertEquals(true, state[1] >= TOTAL_BYTES, "bytes received: " + state[1]);
    }

    /** A frame: 8-byte sequence number, then bytes derived from it. */
    private static void fill(byte[] frame, long seq, int length) {
        ByteBuffer.wrap(frame).putLong(seq);
        for (int i = 8; i < length; i++) {
            frame[i] = expected(seq * 31 + i);
        }
    }

    private static void verify(ByteBuffer frame, long[] state) {
        int length = frame.remaining();
        long seq = frame.getLong(frame.position());
        if (seq != state[0]) {
            throw new AssertionError("frame " + seq + " arrived when " + state[0] + " was due");
        }
        for (int i = 8; i < length; i++) {
            if (frame.get(frame.position() + i) != expected(seq * 31 + i)) {
                throw new AssertionError("frame " + seq + " byte " + i + " is corrupt");
            }
        }
        state[0]++;
        state[1] += length;
    }
}
