package dev.bbq.bench;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameHandler;
import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.ReusableWriteGrant;
import dev.bbq.WaitStrategy;
import dev.bbq.Waiter;
import dev.bbq.wire.Deframer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One candidate's queues for the telemetry pipeline: the driver thread {@link #send}s raw chunks of
 * wire bytes, the deframer thread {@link #deframe}s them into records, the consumer thread
 * {@link #consume}s and checks the records. Each waits in its candidate's own way when a queue is
 * empty or full (nothing is dropped), and every candidate decodes with the same {@link Deframer}.
 * Queues hold 64 KiB of raw bytes and 64 KiB of records (or as many objects as that many bytes make).
 */
abstract class PipelineRig {
    static final List<String> CANDIDATES = List.of("bbq", "abq", "agrona");
    /** The most raw bytes one driver hand-off carries, as a serial DMA buffer would. */
    static final int CHUNK = 2048;
    static final int RING = 1 << 16;

    final Deframer deframer = new Deframer(TelemetrySource.MAX_PAYLOAD, TelemetrySource.CHECK);

    static PipelineRig of(String candidate) {
        switch (candidate) {
            case "bbq": return new Bbq();
            case "abq": return new Abq();
            case "agrona": return new Agrona();
            default: throw new IllegalArgumentException("no pipeline candidate " + candidate + ": " + CANDIDATES);
        }
    }

    /** Driver thread: hands over {@code chunk[0, length)}, waiting for room. */
    abstract void send(byte[] chunk, int length) throws InterruptedException;

    /** Driver thread, after its last send: the stream ends. */
    abstract void end() throws InterruptedException;

    /** Deframer thread: decodes every chunk into records until the stream ends, then ends the records. */
    abstract void deframe() throws InterruptedException;

    /** Consumer thread: checks every record until they end. */
    abstract void consume(TelemetryCheck check) throws InterruptedException;

    /**
     * bbq: raw queue, {@code Deframer.run} publishing one batch per raw read, framed queue, {@code drain}.
     * Both queues wait with {@code WaitStrategy.blocking()}, the default, unless the system property
     * {@code bbq.pipeline.wait} says {@code park} (a custom strategy that parks at once, without
     * blocking()'s spins: for looking into what the spins cost) or {@code backoff}.
     */
    static final class Bbq extends PipelineRig {
        private static final WaitStrategy WAIT = waitStrategy(System.getProperty("bbq.pipeline.wait", "blocking"));
        private final BBQueue raw = BBQueue.builder().capacity(RING).waitStrategy(WAIT).build();
        private final BBQueue framed = BBQueue.builder().capacity(RING).waitStrategy(WAIT).build();

        static WaitStrategy waitStrategy(String name) {
            switch (name) {
                case "blocking": return WaitStrategy.blocking();
                case "backoff": return WaitStrategy.backoff();
                case "park": return new ParkAtOnce();
                default: throw new IllegalArgumentException("bbq.pipeline.wait=" + name + ": blocking, park or backoff");
            }
        }

        /** Parks through the queue's waiter on the first pause: no spinning. */
        private static final class ParkAtOnce implements WaitStrategy {
            @Override
            public void pause(int round, long remainingNanos, Waiter waiter) {
                waiter.park(remainingNanos);
            }

            @Override
            public boolean signals() {
                return true;
            }
        }
        private final Producer producer = raw.producer();
        private final Consumer in = raw.consumer();
        private final FrameProducer out = framed.frameProducer();
        private final FrameConsumer frames = framed.frameConsumer();
        private final ReusableWriteGrant grant = new ReusableWriteGrant();

        @Override
        void send(byte[] chunk, int length) throws InterruptedException {
            for (int at = 0; at < length; ) {
                producer.grantMax(length - at, grant, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
                int n = grant.length();
                grant.put(0, chunk, at, n);
                grant.commit(n);
                at += n;
            }
        }

        @Override
        void end() {
            producer.close();
        }

        @Override
        void deframe() throws InterruptedException {
            try (out) {
                deframer.run(in, out);
            }
        }

        @Override
        void consume(TelemetryCheck check) throws InterruptedException {
            while (!frames.isClosed()) {
                frames.drain(check, 256, 1, TimeUnit.SECONDS);
            }
        }
    }

    /** The obvious Java way: {@code ArrayBlockingQueue<byte[]>}, a new array per chunk and per record. */
    static final class Abq extends PipelineRig {
        private static final byte[] END = new byte[0];
        private final ArrayBlockingQueue<byte[]> raw = new ArrayBlockingQueue<>(RING / CHUNK);
        /** Records are 21 to 81 bytes, about 64 on average. */
        private final ArrayBlockingQueue<byte[]> framed = new ArrayBlockingQueue<>(RING / 64);
        private final FrameHandler toQueue = frame -> {
            byte[] record = new byte[frame.remaining()];
            frame.get(record);
            putUninterruptibly(record);
        };

        @Override
        void send(byte[] chunk, int length) throws InterruptedException {
            raw.put(Arrays.copyOf(chunk, length));
        }

        @Override
        void end() throws InterruptedException {
            raw.put(END);
        }

        @Override
        void deframe() throws InterruptedException {
            for (byte[] chunk = raw.take(); chunk != END; chunk = raw.take()) {
                deframer.accept(chunk, 0, chunk.length, toQueue);
            }
            framed.put(END);
        }

        private void putUninterruptibly(byte[] record) {
            try {
                framed.put(record);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for room", e);
            }
        }

        @Override
        void consume(TelemetryCheck check) throws InterruptedException {
            for (byte[] record = framed.take(); record != END; record = framed.take()) {
                check.check(ByteBuffer.wrap(record), 0, record.length);
            }
        }
    }

    /**
     * Agrona's {@code OneToOneRingBuffer} for both queues (direct buffers), each thread with its own
     * {@code BackoffIdleStrategy}; records are claimed in the framed ring and filled in place.
     */
    static final class Agrona extends PipelineRig {
        private static final int DATA = 1;
        private static final int END = 2;
        private final ByteBuffer rawBytes = ByteBuffer.allocateDirect(RING + RingBufferDescriptor.TRAILER_LENGTH);
        private final ByteBuffer framedBytes = ByteBuffer.allocateDirect(RING + RingBufferDescriptor.TRAILER_LENGTH);
        private final OneToOneRingBuffer raw = new OneToOneRingBuffer(new UnsafeBuffer(rawBytes));
        private final OneToOneRingBuffer framed = new OneToOneRingBuffer(new UnsafeBuffer(framedBytes));
        private final UnsafeBuffer chunkBuffer = new UnsafeBuffer(new byte[0]);
        private final BackoffIdleStrategy driverIdle = new BackoffIdleStrategy();
        private final BackoffIdleStrategy deframerIdle = new BackoffIdleStrategy();
        private final BackoffIdleStrategy claimIdle = new BackoffIdleStrategy();
        private final BackoffIdleStrategy consumerIdle = new BackoffIdleStrategy();
        private final ByteBuffer rawView = rawBytes.duplicate();
        private boolean rawEnded;
        private boolean framedEnded;
        private TelemetryCheck check;

        private final FrameHandler toRing = frame -> {
            int length = frame.remaining();
            int index;
            while ((index = framed.tryClaim(DATA, length)) < 0) {
                claimIdle.idle();
            }
            claimIdle.reset();
            framed.buffer().putBytes(index, frame, frame.position(), length);
            framed.commit(index);
        };
        private final MessageHandler chunks = (type, buffer, index, length) -> {
            if (type == END) {
                rawEnded = true;
                return;
            }
            rawView.clear();
            rawView.position(index).limit(index + length);
            deframer.accept(rawView, toRing);
        };
        private final MessageHandler records = (type, buffer, index, length) -> {
            if (type == END) {
                framedEnded = true;
                return;
            }
            check.check(framedBytes, index, length);
        };

        @Override
        void send(byte[] chunk, int length) {
            if (chunkBuffer.byteArray() != chunk) {
                chunkBuffer.wrap(chunk);
            }
            while (!raw.write(DATA, chunkBuffer, 0, length)) {
                driverIdle.idle();
            }
            driverIdle.reset();
        }

        @Override
        void end() {
            while (!raw.write(END, chunkBuffer, 0, 0)) {
                driverIdle.idle();
            }
        }

        @Override
        void deframe() {
            while (!rawEnded) {
                deframerIdle.idle(raw.read(chunks));
            }
            int index;
            while ((index = framed.tryClaim(END, 0)) < 0) {
                claimIdle.idle();
            }
            framed.commit(index);
        }

        @Override
        void consume(TelemetryCheck check) {
            this.check = check;
            while (!framedEnded) {
                consumerIdle.idle(framed.read(records));
            }
        }
    }
}
