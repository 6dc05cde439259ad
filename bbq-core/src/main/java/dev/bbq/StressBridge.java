package dev.bbq;

import dev.bbq.internal.Secrets;
import dev.bbq.internal.StressAccess;

/**
 * The stress module's way into the state machine ({@link StressAccess}, exported only to
 * {@code dev.bbq.stress}): stress tests live in their own package, which cannot reach this one's
 * package-private classes. {@link Secrets#stressAccess()} loads this class by name, and its
 * initialiser installs the one instance. Not API.
 */
final class StressBridge implements StressAccess {
    static {
        Secrets.install(new StressBridge());
    }

    private StressBridge() {
    }

    @Override
    public boolean chaosEnabled() {
        return Chaos.ENABLED;
    }

    @Override
    public RingView ring(BBQueue queue) {
        return new View(queue.ring());
    }

    @Override
    public SharedRing sharedLayout(int capacity) {
        return new Shared(new Ring(ControlBlock.alignedDirect(capacity),
                ControlBlock.in(ControlBlock.alignedDirect(ControlBlock.LENGTH)), WaitStrategy.busySpin(), false));
    }

    /** Reads the ring's fields; allocates nothing. */
    private static final class View implements RingView {
        private final Ring ring;

        View(Ring ring) {
            this.ring = ring;
        }

        @Override
        public int capacity() {
            return ring.capacity;
        }

        @Override
        public int sharedWrite() {
            return ring.sharedWrite();
        }

        @Override
        public int sharedLast() {
            return ring.sharedLast();
        }

        @Override
        public int sharedRead() {
            return ring.sharedRead();
        }

        @Override
        public int producerWrite() {
            return ring.producerWrite();
        }

        @Override
        public int producerGrantStart() {
            return ring.grantStart();
        }

        @Override
        public String toString() {
            return ring.toString();
        }
    }

    private static final class Shared implements SharedRing {
        private final Ring ring;

        Shared(Ring ring) {
            this.ring = ring;
        }

        @Override
        public Producer producer() {
            return new Producer(ring);
        }

        @Override
        public Consumer consumer() {
            return new Consumer(ring);
        }

        @Override
        public FrameProducer frameProducer() {
            return new FrameProducer(ring);
        }

        @Override
        public FrameConsumer frameConsumer() {
            return new FrameConsumer(ring);
        }
    }
}
