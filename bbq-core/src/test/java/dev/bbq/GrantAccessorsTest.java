package dev.bbq;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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

    @ParameterizedTest
    @EnumSource(Storage.class)
    void everyWriteGrantPutsIntsAndLongsBigEndianWithoutAView(Storage storage) {
        BBQueue queue = storage.queue(256);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        WriteGrant grant = producer.tryGrantExact(13);
        grant.put(0, new byte[] {9}, 0, 1);
        grant.putLong(1, 0x0102030405060708L);
        grant.putInt(9, 0x0A0B0C0D);
        grant.commit(13);
        ReusableWriteGrant reusable = new ReusableWriteGrant();
        assertTrue(producer.tryGrantExact(12, reusable));
        reusable.putInt(0, -2);
        reusable.putLong(4, Long.MIN_VALUE + 1);
        reusable.commit(12);
        byte[] out = new byte[25];
        ReadGrant read = consumer.tryRead();
        read.get(0, out, 0, 25);
        read.release(25);
        assertArrayEquals(new byte[] {9, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFE, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1}, out);
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void frameGrantsPutIntsAndLongsIntoThePayload(Storage storage) {
        BBQueue queue = storage.queue(600);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        FrameGrant grant = producer.tryGrant(200); // a 2-byte header sits before the payload
        grant.putLong(0, 42L);
        grant.putInt(8, 7);
        grant.commit(12);
        ReusableWriteGrant reusable = new ReusableWriteGrant();
        assertTrue(producer.tryGrant(300, reusable));
        reusable.putInt(0, 0x11223344);
        reusable.putLong(292, -1L); // the last eight bytes of the room
        reusable.commit(4);
        Frame first = consumer.tryRead();
        ByteBuffer payload = first.buffer();
        assertEquals(12, payload.remaining());
        assertEquals(42L, payload.getLong(0));
        assertEquals(7, payload.getInt(8));
        first.release();
        Frame second = consumer.tryRead();
        assertEquals(4, second.buffer().remaining());
        assertEquals(0x11223344, second.buffer().getInt(0));
        second.release();
    }

    @Test
    void intsAndLongsAreBigEndianEvenInALittleEndianBufferHandedToWrap() {
        ByteBuffer storage = ByteBuffer.allocateDirect(64).order(ByteOrder.LITTLE_ENDIAN);
        BBQueue queue = BBQueue.wrap(storage);
        WriteGrant grant = queue.producer().tryGrantExact(8);
        grant.putLong(0, 0x0102030405060708L);
        grant.commit(8);
        ReadGrant read = queue.consumer().tryRead();
        assertEquals(1, read.get(0));
        assertEquals(8, read.get(7));
        read.release(8);
    }

    @Test
    void intsAndLongsMustFitInsideTheGrantAndAMissLeavesItUsable() {
        BBQueue queue = BBQueue.allocateDirect(64);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        ReusableWriteGrant grant = new ReusableWriteGrant();
        assertTrue(producer.tryGrantExact(10, grant));
        assertThrows(IndexOutOfBoundsException.class, () -> grant.putLong(3, 1L));
        assertThrows(IndexOutOfBoundsException.class, () -> grant.putInt(7, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> grant.putInt(-1, 1));
        grant.putLong(2, 5L);
        grant.putInt(6, 6); // overwrites the long's low half: plain absolute writes
        grant.commit(10);
        ReadGrant read = consumer.tryRead();
        assertEquals(10, read.length());
        assertEquals(6, read.get(9));
        read.release(10);
        assertThrows(IllegalStateException.class, () -> grant.putLong(0, 1L));
        WriteGrant oneShot = producer.tryGrantExact(4);
        oneShot.commit(4);
        assertThrows(IllegalStateException.class, () -> oneShot.putInt(0, 1));
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
