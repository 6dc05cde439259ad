package dev.bbq.internal;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;
import dev.bbq.Producer;

/**
 * Not API; exported only to {@code dev.bbq.stress}; may change at any time. What the stress tests
 * need of the state machine beyond the public API: nothing more. Get it from {@link Secrets#stressAccess()}.
 */
public interface StressAccess {

    /** Whether chaos mode ({@code -Dbbq.chaos=true}) is on, as the state machine read it. */
    boolean chaosEnabled();

    /** A view of {@code queue}'s state machine; make it once, outside any loop that counts allocations. */
    RingView ring(BBQueue queue);

    /**
     * A ring laid out as in a queue file that two processes share: the shared words in direct memory,
     * accessed through a byte-buffer view VarHandle, the data in direct memory, sides that busy-spin,
     * and frames checked against the index instead of trusted in-band. No file behind it, so that a
     * jcstress test can make one per sample.
     */
    SharedRing sharedLayout(int capacity);

    /** The shared words of a ring, and the producer's own copies that show where a grant went. */
    interface RingView {
        /** The ring's size in bytes. */
        int capacity();

        /** The shared {@code write} word, as any thread may see it (an acquire load). */
        int sharedWrite();

        /** The shared watermark {@code last}, as any thread may see it (an acquire load). */
        int sharedLast();

        /** The shared {@code read} word, as any thread may see it (an acquire load). */
        int sharedRead();

        /** The producer's own copy of {@code write}: on the producer's thread only. */
        int producerWrite();

        /** Where the producer's last grant started: on the producer's thread only. */
        int producerGrantStart();

        /** The shared words, for failure messages. */
        @Override
        String toString();
    }

    /**
     * The halves of a {@link #sharedLayout(int) shared-layout} ring, made from the ring directly as a
     * queue makes them. Each call makes a new half: take one producer and one consumer of one kind,
     * raw or framed, as a queue would allow.
     */
    interface SharedRing {
        /** A raw producer over the ring. */
        Producer producer();

        /** A raw consumer over the ring. */
        Consumer consumer();

        /** A framed producer over the ring. */
        FrameProducer frameProducer();

        /** A framed consumer over the ring; it checks every frame against the index. */
        FrameConsumer frameConsumer();
    }
}
