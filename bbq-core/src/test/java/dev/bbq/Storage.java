package dev.bbq;

import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/** The ways a queue can get its ring, for tests that must hold for all of them. */
enum Storage {
    HEAP(BBQueue::allocate),
    DIRECT(BBQueue::allocateDirect),
    /** A heap slice in the middle of a larger array, so that ring offsets differ from array offsets. */
    WRAPPED_HEAP(capacity -> {
        ByteBuffer big = ByteBuffer.allocate(capacity + 24);
        big.position(11).limit(11 + capacity);
        return BBQueue.wrap(big);
    }),
    /** A direct slice at an odd offset of a larger region. */
    WRAPPED_DIRECT(capacity -> {
        ByteBuffer big = ByteBuffer.allocateDirect(capacity + 24);
        big.position(5).limit(5 + capacity);
        return BBQueue.wrap(big);
    });

    private final IntFunction<BBQueue> factory;

    Storage(IntFunction<BBQueue> factory) {
        this.factory = factory;
    }

    BBQueue queue(int capacity) {
        return factory.apply(capacity);
    }
}
