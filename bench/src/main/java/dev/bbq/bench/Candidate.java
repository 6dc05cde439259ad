package dev.bbq.bench;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameGrant;
import dev.bbq.FrameHandler;
import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.ReadGrant;
import dev.bbq.ReusableReadGrant;
import dev.bbq.ReusableWriteGrant;
import dev.bbq.WaitStrategy;
import dev.bbq.WriteGrant;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.jctools.queues.SpscArrayQueue;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The queues under comparison, each behind a {@link Channel}, with the exact calls of
 * {@code java-peers.md} section 12. Every candidate gets the same memory budget for its ring or
 * slots, copies each message from a pre-filled source, and has each message checked by the consumer.
 *
 * <p>Where the sequence number goes follows the API. A candidate that hands out space in its ring
 * or slot (a bbq grant, Agrona's claim, a Disruptor event, a pooled buffer) copies the unchanging
 * source and then writes the number into that space, as a producer fills in a header. A copying call
 * (bbq {@code tryWrite}, Agrona {@code write}) needs the whole message in the caller's array, so its
 * producer stamps the number into the source just before the call, as a producer that has just built
 * its message does. The order matters on a machine whose cache lines move slowly between cores: the
 * copy then loads bytes that an 8-byte store has just written, the load cannot take them from that
 * store, and it waits until every earlier store, including the ones stuck on lines the consumer
 * holds, has reached the cache (see docs/performance.md, "Where the sequence number is written").
 */
public enum Candidate {
    /** bbq raw: tryGrantExact, put, commit; tryRead, check the messages in the region, release. */
    BBQ_RAW {
        @Override
        Channel open(Workload workload, int budget, Mode mode) {
            return new BbqRaw(workload, budget, mode);
        }
    },
    /** bbq raw with reusable grants: tryGrantExact(n, grant), put, commit; tryRead(grant), check, release. */
    BBQ_RAW_REUSABLE {
        @Override
        Channel open(Workload workload, int budget, Mode mode) {
            return new BbqRawReusable(workload, budget, mode);
        }
    },
    /** bbq framed, zero-copy: tryGrant, put, commit; drain. */
    BBQ_FRAMED_GRANT {
        @Override
        Channel open(Workload workload, int budget, Mode mode) {
            return new BbqFramed(workload, budget, mode, Producing.GRANT, Storage.DIRECT);
        }
    },
    /** bbq framed, zero-copy into a reusable grant: tryGrant(length, grant), put, commit; drain. */
    BBQ_FRAMED_REUSABLE {
        @Override
        Channel open(Workload workload, int budget, Mode mode) {
            return new BbqFramed(workload, budget, mode, Producing.REUSABLE, Storage.DIRECT);
        }
    },
    /** bbq framed, copying: tryWrite; drain. */
    BBQ_FRAMED_WRITE {
        @Override
        Channel open(Workload workload, int budget, Mode mode) {
            return new BbqFramed(workload, budget, mode, Producing.WRITE, Storage.DIRECT);
        }
    },
    /**
     * bbq framed, copying, as {@link #BBQ_FRAMED_WRITE} but over a queue file mapped from
     * {@code /dev/shm} (both halves in this process; a mapped queue always waits with backoff):
     * what the mapped home of the control words and data costs, apart from a second process.
     */
    BBQ_FRAMED_MAPPED {
        @Override
        Channel open(Workload workload, int budget, Mode mode) {
            return new BbqFramed(workload, budget, mode, Producing.WRITE, Storage.MAPPED);
        }
    },
    /** Agrona OneToOneRingBuffer, zero-copy: tryClaim, putBytes, commit; read. */
    AGRONA_CLAIM {
        @Override
        Channel open(Workload workload, int budget, Mode mode) {
            return new Agrona(workload, budget, mode, true);
        }
    },
    /** Agrona OneToOneRingBuffer, copying: write; read. */
    AGRONA_WRITE {
        @Override
        Channel open(Workload workload, int budget, Mode mode) {
            return new Agrona(workload, budget, mode, false);
        }
    },
    /** JCTools SpscArrayQueue of new byte[] per message (the naive way: the GC pays). */
    JCTOOLS_NAIVE {
        @Override
        Channel open(Workload workload, int budget, Mode mode) {
            return new JctoolsNaive(workload, budget, mode);
        }
    },
    /** JCTools SpscArrayQueue of pooled max-size direct buffers, returned through a second queue. */
    JCTOOLS_POOLED {
        @Override
        Channel open(Workload workload, int budget, Mode mode) {
            return new JctoolsPooled(workload, budget, mode);
        }
    },
    /** LMAX Disruptor 4: fixed max-size slots, tryNext/publish, EventPoller. */
    DISRUPTOR {
        @Override
        Channel open(Workload workload, int budget, Mode mode) {
            return new Disruptor(workload, budget, mode);
        }
    },
    /** ArrayBlockingQueue of byte[] copies. */
    ABQ {
        @Override
        Channel open(Workload workload, int budget, Mode mode) {
            return new Abq(workload, budget, mode);
        }
    },
    /** PipedOutputStream to PipedInputStream with 4-byte length prefixes. */
    PIPED {
        @Override
        Channel open(Workload workload, int budget, Mode mode) {
            return new Piped(workload, budget, mode);
        }
    };

    abstract Channel open(Workload workload, int budget, Mode mode);

    /** How a bbq framed candidate produces: copying, one-shot grants, or one reusable grant. */
    private enum Producing {
        WRITE, GRANT, REUSABLE
    }

    /** Where a bbq framed queue keeps its ring: a direct buffer, a heap array, or a mapped queue file. */
    enum Storage {
        DIRECT, HEAP, MAPPED
    }

    /**
     * A bbq framed queue that copies with {@code tryWrite}, over the given storage, spinning. Not a
     * candidate of its own: {@link OneJvm} runs it beside the candidates so that bbq's and the
     * checker's {@code ByteBuffer} call sites also see heap buffers.
     */
    static Channel bbqFramedWrite(Workload workload, int budget, Storage storage) {
        return new BbqFramed(workload, budget, Mode.SPIN, Producing.WRITE, storage);
    }

    // ------------------------------------------------------------------------------------------

    /** The queue and source both raw bbq candidates use: a direct ring, spinning or blocking waits. */
    private abstract static class BbqRawQueue implements Channel {
        final Producer producer;
        final Consumer consumer;
        final byte[] source;
        final Mode mode;

        BbqRawQueue(Workload workload, int budget, Mode mode) {
            BBQueue queue = BBQueue.builder().capacity(budget).direct()
                    .waitStrategy(mode == Mode.SPIN ? WaitStrategy.busySpin() : WaitStrategy.blocking()).build();
            this.producer = queue.producer();
            this.consumer = queue.consumer();
            this.source = Bytes.message(workload.maxSize());
            this.mode = mode;
        }

        @Override
        public void close() {
        }
    }

    private static final class BbqRaw extends BbqRawQueue {
        BbqRaw(Workload workload, int budget, Mode mode) {
            super(workload, budget, mode);
        }

        @Override
        public boolean offer(long seq, int length) {
            WriteGrant grant = producer.tryGrantExact(length);
            if (grant == null) {
                if (mode == Mode.SPIN || (grant = awaitGrant(length)) == null) {
                    return false;
                }
            }
            grant.put(0, source, Bytes.PAD, length);
            grant.putLong(0, seq);
            grant.commit(length);
            return true;
        }

        private WriteGrant awaitGrant(int length) {
            try {
                return producer.grantExact(length, Mode.PARK_BOUND_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        public int poll(Checker checker) {
            ReadGrant grant = consumer.tryRead();
            if (grant == null) {
                if (mode == Mode.SPIN || (grant = awaitRead()) == null) {
                    return 0;
                }
            }
            int length = grant.length();
            int pos = 0;
            int n = 0;
            while (pos < length) {
                int size = checker.nextSize();
                checker.check(grant, pos, size);
                pos += size;
                n++;
            }
            grant.release(length);
            return n;
        }

        private ReadGrant awaitRead() {
            try {
                return consumer.read(Mode.PARK_BOUND_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** As {@link BbqRaw}, with one reusable grant per side. */
    private static final class BbqRawReusable extends BbqRawQueue {
        private final ReusableWriteGrant out = new ReusableWriteGrant();
        private final ReusableReadGrant in = new ReusableReadGrant();

        BbqRawReusable(Workload workload, int budget, Mode mode) {
            super(workload, budget, mode);
        }

        @Override
        public boolean offer(long seq, int length) {
            try {
                if (!(mode == Mode.SPIN ? producer.tryGrantExact(length, out)
                        : producer.grantExact(length, out, Mode.PARK_BOUND_NANOS, TimeUnit.NANOSECONDS))) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            out.put(0, source, Bytes.PAD, length);
            out.putLong(0, seq);
            out.commit(length);
            return true;
        }

        @Override
        public int poll(Checker checker) {
            try {
                if (!(mode == Mode.SPIN ? consumer.tryRead(in)
                        : consumer.read(in, Mode.PARK_BOUND_NANOS, TimeUnit.NANOSECONDS))) {
                    return 0;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
            int length = in.length();
            int pos = 0;
            int n = 0;
            while (pos < length) {
                int size = checker.nextSize();
                checker.check(in, pos, size);
                pos += size;
                n++;
            }
            in.release(length);
            return n;
        }
    }

    private static final class BbqFramed implements Channel {
        private static final int BATCH = 256;
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final byte[] source;
        private final Producing producing;
        private final ReusableWriteGrant reusable = new ReusableWriteGrant();
        private final Mode mode;
        private Checker checker;
        private final FrameHandler handler = frame -> checker.check(frame, frame.position(), frame.remaining());

        /** The queue file of a mapped candidate, deleted at close; null otherwise. */
        private final Path file;

        BbqFramed(Workload workload, int budget, Mode mode, Producing producing, Storage storage) {
            BBQueue queue;
            if (storage == Storage.MAPPED) {
                file = Ipc.newQueueFile("bbq-bench-");
                try {
                    queue = BBQueue.createMapped(file, budget);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                file = null;
                BBQueue.Builder builder = BBQueue.builder().capacity(budget);
                queue = (storage == Storage.HEAP ? builder.heap() : builder.direct())
                        .waitStrategy(mode == Mode.SPIN ? WaitStrategy.busySpin() : WaitStrategy.blocking()).build();
            }
            this.producer = queue.frameProducer();
            this.consumer = queue.frameConsumer();
            this.source = Bytes.message(workload.maxSize());
            this.producing = producing;
            this.mode = mode;
        }

        @Override
        public boolean offer(long seq, int length) {
            try {
                if (producing == Producing.REUSABLE) {
                    if (!(mode == Mode.SPIN ? producer.tryGrant(length, reusable)
                            : producer.grant(length, reusable, Mode.PARK_BOUND_NANOS, TimeUnit.NANOSECONDS))) {
                        return false;
                    }
                    reusable.put(0, source, Bytes.PAD, length);
                    reusable.putLong(0, seq);
                    reusable.commit(length);
                    return true;
                }
                if (producing == Producing.GRANT) {
                    FrameGrant grant = mode == Mode.SPIN ? producer.tryGrant(length)
                            : producer.grant(length, Mode.PARK_BOUND_NANOS, TimeUnit.NANOSECONDS);
                    if (grant == null) {
                        return false;
                    }
                    grant.put(0, source, Bytes.PAD, length);
                    grant.putLong(0, seq);
                    grant.commit(length);
                    return true;
                }
                Bytes.LONG.set(source, Bytes.PAD, seq);
                return mode == Mode.SPIN ? producer.tryWrite(source, Bytes.PAD, length)
                        : producer.write(source, Bytes.PAD, length, Mode.PARK_BOUND_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public int poll(Checker checker) {
            if (this.checker != checker) {
                this.checker = checker; // a store per poll would share a line with what offer() reads
            }
            try {
                return mode == Mode.SPIN ? consumer.drain(handler, BATCH)
                        : consumer.drain(handler, BATCH, Mode.PARK_BOUND_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }

        @Override
        public void close() {
            if (file != null) {
                try {
                    Files.deleteIfExists(file); // the mapping lives on until it is collected
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static final class Agrona extends TryChannel {
        private static final int TYPE = 1;
        private final OneToOneRingBuffer ring;
        private final UnsafeBuffer source;
        private final boolean zeroCopy;
        private Checker checker;
        private final MessageHandler handler = (type, buffer, index, length) -> checker.check(buffer, index, length);

        Agrona(Workload workload, int budget, Mode mode, boolean zeroCopy) {
            super(mode);
            int capacity = Integer.highestOneBit(budget);
            this.ring = new OneToOneRingBuffer(new UnsafeBuffer(
                    BufferUtil.allocateDirectAligned(capacity + RingBufferDescriptor.TRAILER_LENGTH, 64)));
            this.source = new UnsafeBuffer(Bytes.message(workload.maxSize()));
            this.zeroCopy = zeroCopy;
        }

        @Override
        boolean tryOffer(long seq, int length) {
            if (!zeroCopy) {
                source.putLong(Bytes.PAD, seq, ByteOrder.BIG_ENDIAN);
                return ring.write(TYPE, source, Bytes.PAD, length);
            }
            int index = ring.tryClaim(TYPE, length);
            if (index <= 0) {
                return false;
            }
            MutableDirectBuffer b = ring.buffer();
            b.putBytes(index, source, Bytes.PAD, length);
            b.putLong(index, seq, ByteOrder.BIG_ENDIAN);
            ring.commit(index);
            return true;
        }

        @Override
        int tryPoll(Checker checker) {
            if (this.checker != checker) {
                this.checker = checker; // a store per poll would share a line with what offer() reads
            }
            return ring.read(handler, 256);
        }
    }

    /**
     * The shape of the candidates that have only non-blocking calls: try once, and in PARK mode idle
     * with Agrona's BackoffIdleStrategy (spin, yield, then growing parks) between further tries until
     * {@link Mode#PARK_BOUND_NANOS} has passed.
     */
    private abstract static class TryChannel implements Channel {
        final Mode mode;
        private final BackoffIdleStrategy producerIdle = new BackoffIdleStrategy(10, 5, 1_000, 100_000);
        private final BackoffIdleStrategy consumerIdle = new BackoffIdleStrategy(10, 5, 1_000, 100_000);

        TryChannel(Mode mode) {
            this.mode = mode;
        }

        abstract boolean tryOffer(long seq, int length);

        abstract int tryPoll(Checker checker);

        @Override
        public boolean offer(long seq, int length) {
            if (tryOffer(seq, length)) {
                return true;
            }
            if (mode == Mode.SPIN) {
                return false;
            }
            producerIdle.reset();
            long deadline = System.nanoTime() + Mode.PARK_BOUND_NANOS;
            do {
                producerIdle.idle();
                if (tryOffer(seq, length)) {
                    return true;
                }
            } while (System.nanoTime() - deadline < 0);
            return false;
        }

        @Override
        public int poll(Checker checker) {
            int n = tryPoll(checker);
            if (n > 0 || mode == Mode.SPIN) {
                return n;
            }
            consumerIdle.reset();
            long deadline = System.nanoTime() + Mode.PARK_BOUND_NANOS;
            do {
                consumerIdle.idle();
                n = tryPoll(checker);
            } while (n == 0 && System.nanoTime() - deadline < 0);
            return n;
        }

        @Override
        public void close() {
        }
    }

    private static final class JctoolsNaive extends TryChannel {
        private final SpscArrayQueue<byte[]> queue;
        private final byte[] source;

        JctoolsNaive(Workload workload, int budget, Mode mode) {
            super(mode);
            this.queue = new SpscArrayQueue<>(Math.max(16, (int) (budget / workload.meanSize())));
            this.source = Bytes.message(workload.maxSize());
        }

        @Override
        boolean tryOffer(long seq, int length) {
            byte[] message = new byte[length];
            System.arraycopy(source, Bytes.PAD, message, 0, length);
            Bytes.LONG.set(message, 0, seq);
            return queue.relaxedOffer(message);
        }

        @Override
        int tryPoll(Checker checker) {
            return queue.drain(checker::check, 256);
        }
    }

    private static final class JctoolsPooled extends TryChannel {
        private final SpscArrayQueue<ByteBuffer> full;
        private final SpscArrayQueue<ByteBuffer> free;
        private final byte[] source;
        private Checker checker;

        JctoolsPooled(Workload workload, int budget, Mode mode) {
            super(mode);
            int buffers = Math.max(16, budget / workload.maxSize());
            this.full = new SpscArrayQueue<>(buffers);
            this.free = new SpscArrayQueue<>(buffers);
            for (int i = 0; i < buffers; i++) {
                free.offer(ByteBuffer.allocateDirect(workload.maxSize()));
            }
            this.source = Bytes.message(workload.maxSize());
        }

        @Override
        boolean tryOffer(long seq, int length) {
            ByteBuffer b = free.relaxedPoll();
            if (b == null) {
                return false;
            }
            b.clear();
            b.put(source, Bytes.PAD, length).putLong(0, seq).flip();
            full.offer(b);
            return true;
        }

        @Override
        int tryPoll(Checker checker) {
            if (this.checker != checker) {
                this.checker = checker; // a store per poll would share a line with what offer() reads
            }
            return full.drain(this::take, 256);
        }

        private void take(ByteBuffer b) {
            checker.check(b, 0, b.limit());
            free.offer(b);
        }
    }

    /** One Disruptor slot: a max-size direct buffer and the message's length. */
    static final class Slot {
        ByteBuffer buffer;
        int length;
    }

    private static final class Disruptor extends TryChannel {
        private final RingBuffer<Slot> ring;
        private final EventPoller<Slot> poller;
        private final byte[] source;
        private Checker checker;
        private int polled;
        private final EventPoller.Handler<Slot> handler = (slot, sequence, endOfBatch) -> {
            checker.check(slot.buffer, 0, slot.length);
            return ++polled < 256;
        };

        Disruptor(Workload workload, int budget, Mode mode) {
            super(mode);
            int slotSize = (workload.maxSize() + 4 + 7) & ~7;
            int slots = Integer.highestOneBit(Math.max(16, budget / slotSize));
            int max = workload.maxSize();
            this.ring = RingBuffer.createSingleProducer(() -> {
                Slot s = new Slot();
                s.buffer = ByteBuffer.allocateDirect(max);
                return s;
            }, slots, new YieldingWaitStrategy());
            this.poller = ring.newPoller();
            ring.addGatingSequences(poller.getSequence());
            this.source = Bytes.message(max);
        }

        @Override
        boolean tryOffer(long seq, int length) {
            long s;
            try {
                s = ring.tryNext();
            } catch (InsufficientCapacityException full) {
                return false;
            }
            Slot slot = ring.get(s);
            slot.buffer.put(0, source, Bytes.PAD, length).putLong(0, seq);
            slot.length = length;
            ring.publish(s);
            return true;
        }

        @Override
        int tryPoll(Checker checker) {
            if (this.checker != checker) {
                this.checker = checker; // a store per poll would share a line with what offer() reads
            }
            polled = 0;
            try {
                poller.poll(handler);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return polled;
        }
    }

    private static final class Abq implements Channel {
        private final ArrayBlockingQueue<byte[]> queue;
        private final byte[] source;
        private final Mode mode;

        Abq(Workload workload, int budget, Mode mode) {
            this.queue = new ArrayBlockingQueue<>(Math.max(16, (int) (budget / workload.meanSize())));
            this.source = Bytes.message(workload.maxSize());
            this.mode = mode;
        }

        @Override
        public boolean offer(long seq, int length) {
            byte[] message = new byte[length];
            System.arraycopy(source, Bytes.PAD, message, 0, length);
            Bytes.LONG.set(message, 0, seq);
            try {
                return mode == Mode.SPIN ? queue.offer(message)
                        : queue.offer(message, Mode.PARK_BOUND_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public int poll(Checker checker) {
            try {
                byte[] first = mode == Mode.SPIN ? queue.poll() : queue.poll(Mode.PARK_BOUND_NANOS, TimeUnit.NANOSECONDS);
                if (first == null) {
                    return 0;
                }
                checker.check(first);
                int n = 1;
                byte[] next;
                while (n < 256 && (next = queue.poll()) != null) {
                    checker.check(next);
                    n++;
                }
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }

        @Override
        public void close() {
        }
    }

    /**
     * Piped streams with a 4-byte length prefix. PipedOutputStream.write blocks while the pipe is
     * full, so a send first checks for room (a synchronized available() call) to stay bounded.
     */
    private static final class Piped implements Channel {
        private final PipedInputStream in;
        private final PipedOutputStream out;
        private final int pipeSize;
        private final byte[] source;
        private final byte[] frame;
        private final byte[] received;
        private final Mode mode;

        Piped(Workload workload, int budget, Mode mode) {
            try {
                this.out = new PipedOutputStream();
                this.in = new PipedInputStream(out, budget);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.pipeSize = budget;
            this.source = Bytes.message(workload.maxSize());
            this.frame = new byte[4 + workload.maxSize()];
            this.received = new byte[workload.maxSize()];
            this.mode = mode;
        }

        @Override
        public boolean offer(long seq, int length) {
            long deadline = System.nanoTime() + Mode.PARK_BOUND_NANOS;
            try {
                while (pipeSize - in.available() < 4 + length) {
                    if (mode == Mode.SPIN || System.nanoTime() - deadline >= 0) {
                        return false;
                    }
                    LockSupport.parkNanos(1_000);
                }
                frame[0] = (byte) (length >>> 24);
                frame[1] = (byte) (length >>> 16);
                frame[2] = (byte) (length >>> 8);
                frame[3] = (byte) length;
                System.arraycopy(source, Bytes.PAD, frame, 4, length);
                Bytes.LONG.set(frame, 4, seq);
                out.write(frame, 0, 4 + length);
                out.flush(); // wakes a reader parked in the pipe's wait(1000)
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public int poll(Checker checker) {
            long deadline = System.nanoTime() + Mode.PARK_BOUND_NANOS;
            try {
                int n = 0;
                while (n < 256) {
                    if (in.available() < 4) {
                        if (n > 0 || mode == Mode.SPIN || System.nanoTime() - deadline >= 0) {
                            return n;
                        }
                        LockSupport.parkNanos(1_000);
                        continue;
                    }
                    int length = (in.read() << 24) | (in.read() << 16) | (in.read() << 8) | in.read();
                    int got = 0;
                    while (got < length) {
                        got += in.read(received, got, length - got);
                    }
                    checker.check(received, length);
                    n++;
                }
                return n;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
