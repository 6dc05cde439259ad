package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.bbq.Bytes.remaining;
import static dev.bbq.Bytes.sequence;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Framed mode: frames arrive whole, in order, never split and never merged (bbqueue edge 20). */
class FramedQueueTest {

    static void send(FrameProducer producer, byte[] frame) {
        assertTrue(producer.tryWrite(frame, 0, frame.length), "room for a frame of " + frame.length);
    }

    static byte[] receive(FrameConsumer consumer) {
        Frame frame = consumer.tryRead();
        assertNotNull(frame, "a frame is waiting");
        byte[] bytes = remaining(frame.buffer());
        assertEquals(bytes.length, frame.length());
        frame.release();
        return bytes;
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void framesArriveOneAtATimeInCommitOrder(Storage storage) {
        BBQueue queue = storage.queue(64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        assertNull(consumer.tryRead());
        send(producer, sequence(1, 3));
        send(producer, sequence(10, 7));
        send(producer, sequence(20, 1));
        assertArrayEquals(sequence(1, 3), receive(consumer));
        assertArrayEquals(sequence(10, 7), receive(consumer));
        assertArrayEquals(sequence(20, 1), receive(consumer));
        assertNull(consumer.tryRead());
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void aGrantedFrameIsPublishedWithTheCommittedLength(Storage storage) {
        BBQueue queue = storage.queue(64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        FrameGrant grant = producer.tryGrant(20);
        ByteBuffer buffer = grant.buffer();
        assertEquals(0, buffer.position());
        assertEquals(20, buffer.capacity());
        assertEquals(20, buffer.limit());
        assertEquals(20, grant.maxLength());
        buffer.putInt(0xCAFEBABE).putShort((short) 7);
        grant.commit(buffer.position());
        Frame frame = consumer.tryRead();
        assertEquals(6, frame.length());
        assertEquals(0xCAFEBABE, frame.buffer().getInt());
        assertEquals(7, frame.buffer().getShort(4));
        frame.release();
    }

    @Test
    void aZeroLengthFrameIsDeliveredAsAFrame() {
        BBQueue queue = BBQueue.allocate(16);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        producer.tryGrant(10).commit(0);
        send(producer, new byte[0]);
        assertTrue(producer.tryWrite(ByteBuffer.allocate(0)));
        for (int i = 0; i < 3; i++) {
            Frame frame = consumer.tryRead();
            assertEquals(0, frame.length());
            assertEquals(0, frame.buffer().capacity());
            frame.release();
        }
        assertNull(consumer.tryRead());
    }

    @Test
    void committingMoreThanTheFrameHoldsIsRejectedAndTheGrantStaysOpen() {
        BBQueue queue = BBQueue.allocate(64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        FrameGrant grant = producer.tryGrant(8);
        assertThrows(IllegalArgumentException.class, () -> grant.commit(9));
        assertThrows(IllegalArgumentException.class, () -> grant.commit(-1));
        assertNull(consumer.tryRead());
        grant.buffer().put(sequence(1, 8));
        grant.commit(8);
        assertArrayEquals(sequence(1, 8), receive(consumer));
    }

    @Test
    void theLargestFrameFitsAndOneMoreByteIsRejected() { // edge 20, bbqueue frame_big_little
        BBQueue queue = BBQueue.allocate(65_536);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        assertEquals(65_533, producer.maxFrameLength());
        assertEquals(65_533, BBQueue.maxFrameLength(65_536));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> producer.tryGrant(65_534));
        assertTrue(e.getMessage().contains("65533"), e.getMessage());
        byte[] big = sequence(0, 65_533);
        send(producer, big);
        assertArrayEquals(big, receive(consumer));
        assertThrows(IllegalArgumentException.class, () -> producer.tryWrite(new byte[65_534], 0, 65_534));
        assertThrows(IllegalArgumentException.class, () -> producer.tryGrant(-1));
    }

    @ParameterizedTest
    @ValueSource(ints = {126, 127, 128, 129, 16_382, 16_383, 16_384, 16_385})
    void framesAroundHeaderWidthBoundariesRoundTrip(int length) {
        BBQueue queue = BBQueue.allocate(40_000);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        send(producer, sequence(length, length));
        FrameGrant grant = producer.tryGrant(length); // header width set by the max, length shorter
        grant.buffer().put(sequence(1, length - 1));
        grant.commit(length - 1);
        assertArrayEquals(sequence(length, length), receive(consumer));
        assertArrayEquals(sequence(1, length - 1), receive(consumer));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void framesNeverStraddleTheEndOfTheRing(Storage storage) {
        BBQueue queue = storage.queue(100);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        Random random = new Random(7);
        int sent = 0;
        int received = 0;
        for (int i = 0; i < 20_000; i++) {
            int length = random.nextInt(40);
            if (producer.tryWrite(sequence(sent, length), 0, length)) {
                sent++;
            }
            if (random.nextBoolean()) {
                Frame frame = consumer.tryRead();
                if (frame != null) {
                    byte[] bytes = remaining(frame.buffer());
                    assertEquals(frame.length(), frame.buffer().capacity(), "one contiguous region");
                    assertArrayEquals(sequence(received, bytes.length), bytes);
                    received++;
                    frame.release();
                }
            }
        }
        assertTrue(received > 5_000);
    }

    @Test
    void tryWriteOfAByteBufferAdvancesItOnlyOnSuccess() {
        BBQueue queue = BBQueue.allocate(16);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        ByteBuffer src = ByteBuffer.wrap(sequence(1, 12));
        src.position(2);
        assertTrue(producer.tryWrite(src));
        assertEquals(12, src.position());
        ByteBuffer second = ByteBuffer.wrap(sequence(1, 12));
        assertFalse(producer.tryWrite(second), "no room for 13 more bytes");
        assertEquals(0, second.position(), "left untouched");
        assertArrayEquals(sequence(3, 10), receive(consumer));
    }

    @Test
    void tryWriteCopiesNothingWhenThereIsNoRoom() {
        BBQueue queue = BBQueue.allocate(16);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        send(producer, sequence(1, 10));
        assertFalse(producer.tryWrite(sequence(50, 10), 0, 10));
        assertArrayEquals(sequence(1, 10), receive(consumer));
        assertNull(consumer.tryRead());
    }

    @Test
    void tryWriteRejectsRangesOutsideTheArray() {
        FrameProducer producer = BBQueue.allocate(16).frameProducer();
        byte[] src = new byte[8];
        assertThrows(IndexOutOfBoundsException.class, () -> producer.tryWrite(src, 4, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> producer.tryWrite(src, -1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> producer.tryWrite(src, 1, Integer.MAX_VALUE));
        assertThrows(IndexOutOfBoundsException.class, () -> producer.tryWrite(src, Integer.MAX_VALUE, 1));
        assertTrue(producer.tryWrite(src, 8, 0));
    }

    @Test
    void closingAFrameGrantAbortsTheFrame() { // edge 19
        BBQueue queue = BBQueue.allocate(32);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        try (FrameGrant grant = producer.tryGrant(10)) {
            grant.buffer().put(sequence(1, 10));
        }
        assertNull(consumer.tryRead());
        FrameGrant open = producer.tryGrant(4);
        assertThrows(IllegalStateException.class, () -> producer.tryGrant(4));
        assertThrows(IllegalStateException.class, () -> producer.tryWrite(new byte[1], 0, 1));
        open.close();
    }

    @Test
    void closingAFrameKeepsItForTheNextRead() { // edge 19
        BBQueue queue = BBQueue.allocate(32);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        send(producer, sequence(1, 5));
        try (Frame frame = consumer.tryRead()) {
            assertEquals(5, frame.length());
        }
        assertArrayEquals(sequence(1, 5), receive(consumer));
    }

    @Test
    void staleFrameGrantsAndFramesAreDead() { // edge 18
        BBQueue queue = BBQueue.allocate(32);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        FrameGrant stale = producer.tryGrant(4);
        stale.commit(4);
        FrameGrant newer = producer.tryGrant(4);
        assertThrows(IllegalStateException.class, () -> stale.commit(1));
        assertThrows(IllegalStateException.class, stale::buffer);
        stale.close();
        newer.commit(2);
        Frame first = consumer.tryRead();
        first.release();
        Frame second = consumer.tryRead();
        assertThrows(IllegalStateException.class, first::release);
        assertThrows(IllegalStateException.class, first::buffer);
        first.close();
        assertEquals(2, second.length());
        second.release();
        send(producer, new byte[1]);
        Frame held = consumer.tryRead();
        assertThrows(IllegalStateException.class, consumer::tryRead, "one frame held at a time");
        held.release();
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void drainHandsOverFramesInOrderAndReleasesThemAll(Storage storage) {
        BBQueue queue = storage.queue(256);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        assertEquals(0, consumer.drain(frame -> { throw new AssertionError("no frame expected"); }, 10));
        for (int i = 0; i < 10; i++) {
            send(producer, sequence(i, i));
        }
        List<byte[]> seen = new ArrayList<>();
        assertEquals(4, consumer.drain(frame -> seen.add(remaining(frame)), 4));
        assertEquals(6, consumer.drain(frame -> seen.add(remaining(frame)), 100));
        assertEquals(10, seen.size());
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(sequence(i, i), seen.get(i));
        }
        assertNull(consumer.tryRead());
        assertEquals(0, queue.ring().sharedRead() - queue.ring().sharedWrite(), "everything released");
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void drainContinuesAcrossTheWrapAndReleasesIntoTheLowerRegion(Storage storage) {
        BBQueue queue = storage.queue(40);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        send(producer, new byte[29]); // [0, 30)
        receive(consumer); // read = 30
        send(producer, sequence(1, 8)); // [30, 39)
        send(producer, sequence(2, 10)); // wraps to [0, 11)
        send(producer, sequence(3, 5)); // [11, 17)
        List<byte[]> seen = new ArrayList<>();
        assertEquals(3, consumer.drain(frame -> seen.add(remaining(frame)), 10));
        assertArrayEquals(sequence(1, 8), seen.get(0));
        assertArrayEquals(sequence(2, 10), seen.get(1));
        assertArrayEquals(sequence(3, 5), seen.get(2));
        assertEquals(17, queue.ring().sharedRead(), "released straight into the lower region");
        assertNull(consumer.tryRead());
        send(producer, sequence(4, 20));
        assertArrayEquals(sequence(4, 20), receive(consumer));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void aLongDrainReleasesEachQuarterOfTheQueueSoTheProducerNeedNotWaitForItsEnd(Storage storage) {
        BBQueue queue = storage.queue(1024);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        int sent = 0;
        while (producer.tryWrite(sequence(sent, 99), 0, 99)) { // 100 bytes a frame with its header
            sent++;
        }
        assertEquals(10, sent, "the queue is full");
        List<byte[]> seen = new ArrayList<>();
        List<Integer> writtenDuringTheDrain = new ArrayList<>();
        int delivered = consumer.drain(frame -> {
            seen.add(remaining(frame));
            // The handler runs on the consumer's thread; the producer half may be used here too.
            if (producer.tryWrite(sequence(100 + writtenDuringTheDrain.size(), 99), 0, 99)) {
                writtenDuringTheDrain.add(seen.size());
            }
        }, 100);
        // The first three frames (300 bytes, past a quarter of 1024) were released when the third
        // handler call returned, so the fourth call found room; without that, not one write fits
        // until the drain ends.
        assertEquals(4, writtenDuringTheDrain.get(0), "first write during the drain succeeded in call");
        assertTrue(writtenDuringTheDrain.size() >= 3, "room came back each quarter: " + writtenDuringTheDrain);
        // Nothing lost, nothing twice: the old frames in order, then the new ones (this drain may
        // have followed the producer into them; the next one gets the rest).
        consumer.drain(frame -> seen.add(remaining(frame)), 100);
        assertEquals(10 + writtenDuringTheDrain.size(), seen.size());
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(sequence(i, 99), seen.get(i));
        }
        for (int i = 0; i < writtenDuringTheDrain.size(); i++) {
            assertArrayEquals(sequence(100 + i, 99), seen.get(10 + i));
        }
        assertTrue(delivered >= 10);
        assertEquals(seen.size(), queue.stats().framesReleased());
        assertEquals(queue.ring().sharedWrite(), queue.ring().sharedRead(), "everything released");
    }

    @Test
    void drainShowsEachFrameBetweenPositionAndLimitAndAllowsDecodingInPlace() {
        BBQueue queue = BBQueue.allocate(64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        send(producer, sequence(1, 4));
        send(producer, sequence(9, 3));
        List<Integer> lengths = new ArrayList<>();
        consumer.drain(frame -> {
            lengths.add(frame.remaining());
            frame.put(frame.position(), (byte) 0x55); // in-place decode
        }, 10);
        assertEquals(List.of(4, 3), lengths);
    }

    @Test
    void aThrowingHandlerConsumesItsFrameAndTheOnesBeforeButNoMore() {
        BBQueue queue = BBQueue.allocate(64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        for (int i = 0; i < 5; i++) {
            send(producer, sequence(i, 2));
        }
        int[] calls = {0};
        RuntimeException boom = new RuntimeException("boom");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> consumer.drain(frame -> {
            if (++calls[0] == 3) {
                throw boom;
            }
        }, 10));
        assertSame(boom, thrown);
        assertArrayEquals(sequence(3, 2), receive(consumer), "frames 0 to 2 are gone, frame 3 is next");
        assertArrayEquals(sequence(4, 2), receive(consumer));
    }

    @Test
    void drainRejectsBadArgumentsAndAHeldFrame() {
        BBQueue queue = BBQueue.allocate(64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        send(producer, sequence(1, 2));
        assertThrows(IllegalArgumentException.class, () -> consumer.drain(frame -> { }, 0));
        assertThrows(NullPointerException.class, () -> consumer.drain(null, 1));
        Frame held = consumer.tryRead();
        assertThrows(IllegalStateException.class, () -> consumer.drain(frame -> { }, 1));
        held.close();
        assertEquals(1, consumer.drain(frame -> { }, 1));
    }

    /**
     * A queue over memory the test can scribble on, to play a corrupting second process; like a
     * ring shared with another process, it checks every frame header against the index.
     */
    private static final class Tamperable {
        final ByteBuffer memory = ByteBuffer.allocate(64);
        final BBQueue queue = BBQueue.builder().wrap(memory).checkEveryFrameHeader().build();
        final FrameProducer producer = queue.frameProducer();
        final FrameConsumer consumer = queue.frameConsumer();
    }

    @Test
    void aCorruptHeaderIsReportedAndLeavesTheQueueAsItWas() {
        Tamperable t = new Tamperable();
        send(t.producer, sequence(1, 5)); // header at 0, frame [1, 6)
        t.memory.put(0, (byte) (40 << 1 | 1)); // now announces 40 bytes; only 5 were committed
        String before = t.queue.ring().toString();
        IllegalStateException e = assertThrows(IllegalStateException.class, t.consumer::tryRead);
        assertTrue(e.getMessage().contains("corrupt frame header at ring offset 0"), e.getMessage());
        assertEquals(before, t.queue.ring().toString());
        t.memory.put(0, (byte) (5 << 1 | 1)); // repaired: the frame is still there, once
        assertArrayEquals(sequence(1, 5), receive(t.consumer));
        assertNull(t.consumer.tryRead());
    }

    @Test
    void anInBandHeaderIsStillNeverTrustedBeyondTheRing() {
        ByteBuffer memory = ByteBuffer.allocate(64);
        BBQueue queue = BBQueue.wrap(memory); // trusts in-band commits, as in-process queues do
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        send(producer, sequence(1, 5));
        memory.put(0, (byte) (100 << 1 | 1)); // 100 bytes cannot fit in a 64-byte ring
        assertThrows(IllegalStateException.class, consumer::tryRead);
        memory.put(0, (byte) (5 << 1 | 1));
        assertArrayEquals(sequence(1, 5), receive(consumer));
    }

    @Test
    void drainDeliversFramesBeforeACorruptHeaderThenReportsIt() {
        Tamperable t = new Tamperable();
        send(t.producer, sequence(1, 3)); // [0, 4)
        send(t.producer, sequence(2, 3)); // [4, 8)
        t.memory.put(4, (byte) 0x40); // a first byte announcing a 7-byte header: no valid width
        List<byte[]> seen = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> t.consumer.drain(frame -> seen.add(remaining(frame)), 10));
        assertEquals(1, seen.size());
        assertEquals(4, t.queue.ring().sharedRead(), "the good frame was released, the corrupt one kept");
        assertThrows(IllegalStateException.class, t.consumer::tryRead);
    }

    @Test
    void aFrameWhoseFlagByteIsStillZeroIsNotDeliveredYet() { // R11: the index is published first
        Tamperable t = new Tamperable();
        send(t.producer, sequence(1, 3)); // [0, 4)
        send(t.producer, sequence(2, 3)); // [4, 8)
        byte flag = t.memory.get(4);
        t.memory.put(4, (byte) 0); // as if the producer were between its index store and its flag store
        List<byte[]> seen = new ArrayList<>();
        assertEquals(1, t.consumer.drain(frame -> seen.add(remaining(frame)), 10));
        assertNull(t.consumer.tryRead(), "not an error: the commit is still in flight");
        t.memory.put(4, flag);
        assertArrayEquals(sequence(2, 3), receive(t.consumer));
    }
}
