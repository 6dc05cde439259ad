package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Creating queues and taking their halves. */
class BBQueueTest {

    @Test
    void factoriesMakeTheRequestedStorage() {
        BBQueue heap = BBQueue.allocate(100);
        assertFalse(heap.isDirect());
        assertEquals(100, heap.capacity());
        BBQueue direct = BBQueue.allocateDirect(100);
        assertTrue(direct.isDirect());
        assertEquals(100, direct.capacity());
        assertTrue(BBQueue.wrap(ByteBuffer.allocateDirect(50)).isDirect());
        assertEquals(50, BBQueue.wrap(ByteBuffer.allocate(50)).capacity());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void impossibleCapacitiesAreRejected(int capacity) { // edge 23 (capacity 0)
        assertThrows(IllegalArgumentException.class, () -> BBQueue.allocate(capacity));
        assertThrows(IllegalArgumentException.class, () -> BBQueue.allocateDirect(capacity));
        assertThrows(IllegalArgumentException.class, () -> BBQueue.maxFrameLength(capacity));
    }

    @Test
    void wrapRejectsEmptyAndReadOnlyStorage() {
        assertThrows(IllegalArgumentException.class, () -> BBQueue.wrap(ByteBuffer.allocate(0)));
        ByteBuffer full = ByteBuffer.allocate(8);
        full.position(8);
        assertThrows(IllegalArgumentException.class, () -> BBQueue.wrap(full));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BBQueue.wrap(ByteBuffer.allocate(8).asReadOnlyBuffer()));
        assertTrue(e.getMessage().contains("read-only"));
        assertThrows(NullPointerException.class, () -> BBQueue.wrap(null));
    }

    @Test
    void eachHalfCanBeTakenOnce() {
        BBQueue queue = BBQueue.allocate(16);
        assertNotNull(queue.producer());
        assertNotNull(queue.consumer());
        assertThrows(IllegalStateException.class, queue::producer);
        assertThrows(IllegalStateException.class, queue::consumer);
        BBQueue framed = BBQueue.allocate(16);
        assertNotNull(framed.frameProducer());
        assertNotNull(framed.frameConsumer());
        assertThrows(IllegalStateException.class, framed::frameProducer);
        assertThrows(IllegalStateException.class, framed::frameConsumer);
    }

    @Test
    void aQueueIsEitherRawOrFramed() {
        BBQueue raw = BBQueue.allocate(16);
        raw.producer();
        IllegalStateException e = assertThrows(IllegalStateException.class, raw::frameConsumer);
        assertTrue(e.getMessage().contains("raw"), e.getMessage());
        assertThrows(IllegalStateException.class, raw::frameProducer);
        assertNotNull(raw.consumer());

        BBQueue framed = BBQueue.allocate(16);
        framed.frameConsumer();
        assertThrows(IllegalStateException.class, framed::producer);
        assertThrows(IllegalStateException.class, framed::consumer);
        assertNotNull(framed.frameProducer());
    }

    @Test
    void halvesReportTheCapacity() {
        BBQueue queue = BBQueue.allocateDirect(1234);
        assertEquals(1234, queue.producer().capacity());
        assertEquals(1234, queue.consumer().capacity());
        BBQueue framed = BBQueue.allocate(300);
        assertEquals(300, framed.frameProducer().capacity());
        assertEquals(300, framed.frameConsumer().capacity());
    }
}
