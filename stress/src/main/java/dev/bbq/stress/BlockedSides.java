package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.QueueClosedException;
import dev.bbq.ReadGrant;
import dev.bbq.WriteGrant;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A side blocked without a timeout, under the default blocking strategy, must return when the other
 * side does what it waits for (R9) or closes (R10). These are jcstress termination tests: the actor
 * blocks, the signal arrives (usually after the actor has parked, sometimes before it looks), and the
 * actor must finish; {@code STALE} means it stayed blocked, {@code ERROR} that it returned the wrong
 * thing.
 *
 * <p>What breaks them: a waiter that parks without re-reading the other side's index after
 * registering (R9), a publication without the full fence before it reads the waiter flag (R9: on x86
 * too, since store-to-load reordering is the one TSO allows), or a close that stores its flag but
 * wakes nobody (R10).
 */
public class BlockedSides {

    private static final String STALE = "the blocked side never returned: a lost wake-up";
    private static final String ERROR = "the blocked side returned the wrong result";

    /** R9: a reader blocked on an empty ring returns with the byte the producer commits. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the commit woke the reader")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = STALE)
    @Outcome(id = "ERROR", expect = FORBIDDEN, desc = ERROR)
    @State
    public static class ReaderWakesOnCommit {
        private final Producer producer;
        private final Consumer consumer;

        public ReaderWakesOnCommit() {
            BBQueue queue = Litmus.blocking(16);
            producer = queue.producer();
            consumer = queue.consumer();
        }

        @Actor
        public void reader() throws InterruptedException {
            ReadGrant grant = consumer.read();
            if (grant == null || !Litmus.check(grant.buffer(), 0).equals("1 intact")) {
                throw new IllegalStateException("expected the committed byte");
            }
        }

        @Signal
        public void commit() {
            WriteGrant grant = producer.tryGrantExact(1);
            Litmus.fill(grant.buffer(), 0, 1);
            grant.commit(1);
        }
    }

    /** R9: a writer blocked on a full ring gets its grant when the consumer releases. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the release woke the writer")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = STALE)
    @Outcome(id = "ERROR", expect = FORBIDDEN, desc = ERROR)
    @State
    public static class WriterWakesOnRelease {
        private final Producer producer;
        private final Consumer consumer;

        public WriterWakesOnRelease() {
            BBQueue queue = Litmus.blocking(16);
            producer = queue.producer();
            consumer = queue.consumer();
            producer.tryGrantExact(16).commit(16);
        }

        @Actor
        public void writer() throws InterruptedException {
            WriteGrant grant = producer.grantExact(4);
            if (grant == null || grant.length() != 4) {
                throw new IllegalStateException("expected a grant of 4 bytes");
            }
        }

        @Signal
        public void release() {
            ReadGrant grant = consumer.tryRead();
            grant.release(grant.length());
        }
    }

    /** R10: a reader blocked on an empty ring sees the end of the stream when the producer closes. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the close woke the reader, which saw the end")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = STALE)
    @Outcome(id = "ERROR", expect = FORBIDDEN, desc = ERROR)
    @State
    public static class ReaderEndsOnClose {
        private final Producer producer;
        private final Consumer consumer;

        public ReaderEndsOnClose() {
            BBQueue queue = Litmus.blocking(16);
            producer = queue.producer();
            consumer = queue.consumer();
        }

        @Actor
        public void reader() throws InterruptedException {
            if (consumer.read() != null || !consumer.isClosed()) {
                throw new IllegalStateException("expected the end of the stream");
            }
        }

        @Signal
        public void close() {
            producer.close();
        }
    }

    /** R10: a writer blocked on a full ring fails with QueueClosedException when the consumer closes. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the close woke the writer, which saw it")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = STALE)
    @Outcome(id = "ERROR", expect = FORBIDDEN, desc = ERROR)
    @State
    public static class WriterEndsOnClose {
        private final Producer producer;
        private final Consumer consumer;

        public WriterEndsOnClose() {
            BBQueue queue = Litmus.blocking(16);
            producer = queue.producer();
            consumer = queue.consumer();
            producer.tryGrantExact(16).commit(16);
        }

        @Actor
        public void writer() throws InterruptedException {
            try {
                producer.grantExact(4);
            } catch (QueueClosedException expected) {
                return;
            }
            throw new IllegalStateException("expected QueueClosedException");
        }

        @Signal
        public void close() {
            consumer.close();
        }
    }

    /** R9 with R11: a framed reader blocked on an empty ring returns with the frame the producer writes. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the frame's commit woke the reader")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = STALE)
    @Outcome(id = "ERROR", expect = FORBIDDEN, desc = ERROR)
    @State
    public static class FrameReaderWakesOnFrame {
        private final FrameProducer producer;
        private final FrameConsumer consumer;

        public FrameReaderWakesOnFrame() {
            BBQueue queue = Litmus.blocking(16);
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Actor
        public void reader() throws InterruptedException {
            Frame frame = consumer.read();
            if (frame == null || !Litmus.check(frame.buffer(), 0).equals("3 intact")) {
                throw new IllegalStateException("expected the committed frame");
            }
        }

        @Signal
        public void write() {
            producer.tryWrite(Litmus.bytes(0, 3), 0, 3);
        }
    }
}
