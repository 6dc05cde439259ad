package dev.bbq.bench;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.ReusableReadGrant;
import dev.bbq.ReusableWriteGrant;
import dev.bbq.WaitStrategy;
import org.agrona.BufferUtil;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * Bulk streaming as {@link Channel}s, for {@link BulkBenchmark} and for {@link Paired} rounds: a
 * producer moves chunks of up to {@code chunk} bytes from a source array into the queue, and a
 * consumer copies everything it finds out into a ring-sized array, as a device pump and a channel
 * writer would. {@link Channel#offer} ignores the sequence number; {@link Channel#poll} ignores the
 * checker and returns the number of bytes it moved.
 */
public enum Bulk {
    /** bbq raw, reusable grants: tryGrantMax and put; tryRead, get and release of the whole region. */
    BBQ_RAW,
    /** Agrona OneToOneRingBuffer: one record per chunk, tryClaim, putBytes, commit; read and getBytes. */
    AGRONA_CLAIM,
    /**
     * The floor: the consumer's thread alone copies each chunk once into a ring-sized direct buffer
     * at a moving offset, as {@link CopyBenchmark} does; the producer's thread sleeps, so that the
     * copy has the machine to itself (a spinning thread on a hyperthread sibling would slow it).
     */
    ONE_THREAD_COPY;

    Channel open(int chunk, int budget) {
        switch (this) {
            case BBQ_RAW: return new Bbq(chunk, budget);
            case AGRONA_CLAIM: return new Agrona(chunk, budget);
            default: return new Copy(chunk, budget);
        }
    }

    private static final class Bbq implements Channel {
        private final Producer producer;
        private final Consumer consumer;
        private final ReusableWriteGrant out = new ReusableWriteGrant();
        private final ReusableReadGrant in = new ReusableReadGrant();
        private final byte[] source;
        private final byte[] sink;
        private final int chunk;

        Bbq(int chunk, int budget) {
            BBQueue queue = BBQueue.builder().capacity(budget).direct().waitStrategy(WaitStrategy.busySpin()).build();
            producer = queue.producer();
            consumer = queue.consumer();
            source = Bytes.message(chunk);
            sink = Bytes.message(budget);
            this.chunk = chunk;
        }

        @Override
        public boolean offer(long seq, int length) {
            if (!producer.tryGrantMax(chunk, out)) {
                return false;
            }
            int n = out.length();
            out.put(0, source, Bytes.PAD, n);
            out.commit(n);
            return true;
        }

        @Override
        public int poll(Checker checker) {
            if (!consumer.tryRead(in)) {
                return 0;
            }
            int n = in.length();
            in.get(0, sink, Bytes.PAD, n);
            in.release(n);
            return n;
        }

        @Override
        public void close() {
        }
    }

    private static final class Agrona implements Channel {
        private final OneToOneRingBuffer ring;
        private final UnsafeBuffer source;
        private final byte[] sink;
        private final int chunk;
        /** The consumer's count, in the middle of an array of its own: offer() reads this object's fields. */
        private final int[] moved = new int[64];
        private final MessageHandler handler;

        Agrona(int chunk, int budget) {
            ring = new OneToOneRingBuffer(new UnsafeBuffer(
                    BufferUtil.allocateDirectAligned(budget + RingBufferDescriptor.TRAILER_LENGTH, 64)));
            source = new UnsafeBuffer(Bytes.message(chunk));
            byte[] sink = this.sink = Bytes.message(budget);
            handler = (type, buffer, index, length) -> {
                buffer.getBytes(index, sink, Bytes.PAD, length);
                moved[32] += length;
            };
            this.chunk = chunk;
        }

        @Override
        public boolean offer(long seq, int length) {
            int index = ring.tryClaim(1, chunk);
            if (index <= 0) {
                return false;
            }
            ring.buffer().putBytes(index, source, Bytes.PAD, chunk);
            ring.commit(index);
            return true;
        }

        @Override
        public int poll(Checker checker) {
            moved[32] = 0;
            ring.read(handler, Integer.MAX_VALUE);
            return moved[32];
        }

        @Override
        public void close() {
        }
    }

    private static final class Copy implements Channel {
        private final ByteBuffer ring;
        private final byte[] source;
        private final int chunk;
        private final int budget;
        private int offset;

        Copy(int chunk, int budget) {
            ring = ByteBuffer.allocateDirect(budget);
            source = Bytes.source(chunk);
            this.chunk = chunk;
            this.budget = budget;
        }

        @Override
        public boolean offer(long seq, int length) {
            LockSupport.parkNanos(1_000_000);
            return false;
        }

        @Override
        public int poll(Checker checker) {
            if (offset + chunk > budget) {
                offset = 0;
            }
            ring.put(offset, source, 0, chunk);
            offset += chunk;
            return chunk;
        }

        @Override
        public void close() {
        }
    }
}
