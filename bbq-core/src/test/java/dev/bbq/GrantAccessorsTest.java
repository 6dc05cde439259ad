package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.bbq.Bytes.sequence;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading and writing a grant without a buffer view: array access for heap queues, absolute copies
 * for any queue. They follow the grant's rules (bounds, lifecycle) exactly as buffer() does.
 */
class GrantAccessorsTest {

    @ParameterizedTest
    @EnumSource(Storage.class)
    void rawGrantsCopyInAndOutAtAbsoluteIndices(Storage storage) {
        BBQueue queue = storage.queue(64);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        WriteGrant grant = producer.tryGrantExact(10);
        grant.put(0, sequence(1, 4), 0, 4);
        grant.put(4, sequence(20, 10), 2, 6);
        grant.commit(10);
        ReadGrant read = consumer.tryRead();
        byte[] out = new byte[12];
        read.get(0, out, 2, 10);
        assertArrayEquals(new byte[] {0, 0, 1, 2, 3, 4, 22, 23, 24, 25, 26, 27}, out);
        assertEquals(23, read.get(5));
        read.release(10);
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void frameGrantsAndFramesCopyPayloadBytesOnly(Storage storage) {
        BBQueue queue = storage.queue(300);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        FrameGrant grant = producer.tryGrant(200); // a 2-byte header sits before the payload
        grant.put(0, sequence(7, 5), 0, 5);
        grant.commit(5);
        Frame frame = consumer.tryRead();
        byte[] out = new byte[5];
        frame.get(0, out, 0, 5);
        assertArrayEquals(sequence(7, 5), out);
        assertEquals(11, frame.get(4));
        frame.release();
    }

    @Test
    void heapGrantsExposeTheirArrayAndOffsetWithoutAView() {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        Bytes.write(producer, new byte[7]);
        Bytes.readAll(consumer);
        WriteGrant grant = producer.tryGrantExact(5);
        assertTrue(grant.hasArray());
        assertEquals(7, grant.arrayOffset());
        System.arraycopy(sequence(3, 5), 0, grant.array(), grant.arrayOffset(), 5); // a device API's read(b, off, len)
        grant.commit(5);
        ReadGrant read = consumer.tryRead();
        assertEquals(7, read.arrayOffset());
        assertEquals(3, read.array()[read.arrayOffset()]);
        read.release(5);
    }

    @Test
    void directGrantsHaveNoArray() {
        BBQueue queue = BBQueue.allocateDirect(32);
        WriteGrant grant = queue.producer().tryGrantExact(4);
        assertFalse(grant.hasArray());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, grant::array);
        assertTrue(e.getMessage().contains("direct"));
    }

    @Test
    void copiesOutsideTheGrantOrTheArrayAreRejected() {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        WriteGrant grant = producer.tryGrantExact(4);
        assertThrows(IndexOutOfBoundsException.class, () -> grant.put(2, new byte[8], 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> grant.put(-1, new byte[8], 0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> grant.put(0, new byte[2], 1, 2));
        grant.put(0, new byte[4], 0, 4);
        grant.commit(4);
        ReadGrant read = consumer.tryRead();
        assertThrows(IndexOutOfBoundsException.class, () -> read.get(4));
        assertThrows(IndexOutOfBoundsException.class, () -> read.get(1, new byte[8], 0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> read.get(0, new byte[2], 0, 3));
        read.release(4);
    }

    @Test
    void accessorsOfAnEndedGrantThrow() {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        WriteGrant grant = producer.tryGrantExact(4);
        grant.commit(4);
        assertThrows(IllegalStateException.class, grant::array);
        assertThrows(IllegalStateException.class, grant::arrayOffset);
        assertThrows(IllegalStateException.class, () -> grant.put(0, new byte[1], 0, 1));
        ReadGrant read = consumer.tryRead();
        read.release(4);
        assertThrows(IllegalStateException.class, () -> read.get(0));
        assertThrows(IllegalStateException.class, () -> read.get(0, new byte[1], 0, 1));
        assertThrows(IllegalStateException.class, read::arrayOffset);
    }
}
