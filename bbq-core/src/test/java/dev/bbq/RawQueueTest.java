package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;

import static dev.bbq.Bytes.readAll;
import static dev.bbq.Bytes.remaining;
import static dev.bbq.Bytes.sequence;
import static dev.bbq.Bytes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The raw queue's behaviour, one rule per test (bbqueue edge cases cited as "edge N"). */
class RawQueueTest {

    /** Moves an empty queue's indices from 0 to {@code pos} by writing and reading that many bytes. */
    static void moveTo(Producer producer, Consumer consumer, int pos) {
        if (pos == 0) {
            return;
        }
        write(producer, new byte[pos]);
        assertEquals(pos, readAll(consumer).length);
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void freshQueueIsEmpty(Storage storage) { // edge 1
        BBQueue queue = storage.queue(16);
        Consumer consumer = queue.consumer();
        assertNull(consumer.tryRead());
        assertNull(consumer.trySplitRead());
        assertEquals(16, queue.capacity());
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void committedBytesAreReadInOrder(Storage storage) {
        BBQueue queue = storage.queue(64);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 10));
        write(producer, sequence(11, 5));
        assertArrayEquals(sequence(1, 15), readAll(consumer));
        assertNull(consumer.tryRead());
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void nothingIsVisibleBeforeCommit(Storage storage) {
        BBQueue queue = storage.queue(16);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        WriteGrant grant = producer.tryGrantExact(8);
        grant.buffer().put(sequence(1, 8));
        assertNull(consumer.tryRead());
        grant.commit(8);
        assertArrayEquals(sequence(1, 8), readAll(consumer));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void writeGrantBufferCoversExactlyTheGrant(Storage storage) {
        BBQueue queue = storage.queue(32);
        WriteGrant grant = queue.producer().tryGrantExact(10);
        ByteBuffer buffer = grant.buffer();
        assertEquals(0, buffer.position());
        assertEquals(10, buffer.limit());
        assertEquals(10, buffer.capacity());
        assertEquals(10, grant.length());
    }

    @Test
    void eachBufferCallIsANewViewOfTheSameBytes() {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        WriteGrant grant = producer.tryGrantExact(8);
        ByteBuffer first = grant.buffer();
        first.put((byte) 7);
        ByteBuffer second = grant.buffer();
        assertEquals(0, second.position(), "a new view starts at position 0");
        assertEquals(7, second.get(0), "over the same bytes");
        grant.commit(1);
        assertArrayEquals(new byte[] {7}, readAll(queue.consumer()));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void readGrantBufferCoversExactlyTheCommittedBytes(Storage storage) {
        BBQueue queue = storage.queue(32);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(3, 7));
        ReadGrant grant = consumer.tryRead();
        ByteBuffer buffer = grant.buffer();
        assertEquals(0, buffer.position());
        assertEquals(7, buffer.limit());
        assertEquals(7, buffer.capacity());
        assertEquals(7, grant.length());
        assertArrayEquals(sequence(3, 7), remaining(buffer));
    }

    @Test
    void heapGrantsExposeTheBackingArrayAtTheGrantsOffset() {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, new byte[5]);
        readAll(consumer);
        WriteGrant grant = producer.tryGrantExact(4);
        ByteBuffer buffer = grant.buffer();
        assertTrue(buffer.hasArray());
        assertEquals(5, buffer.arrayOffset());
        System.arraycopy(sequence(9, 4), 0, buffer.array(), buffer.arrayOffset(), 4); // a device API's read(byte[], off, len)
        grant.commit(4);
        assertArrayEquals(sequence(9, 4), readAll(consumer));
    }

    @Test
    void directQueueRingStartsOnA64ByteBoundary() {
        BBQueue queue = BBQueue.allocateDirect(1000);
        assertTrue(queue.isDirect());
        ByteBuffer buffer = queue.producer().tryGrantExact(1000).buffer();
        assertTrue(buffer.isDirect());
        assertEquals(0, buffer.alignmentOffset(0, 64));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void commitPublishesOnlyUsedBytesAndRecyclesTheRest(Storage storage) { // edge 10
        BBQueue queue = storage.queue(16);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        WriteGrant grant = producer.tryGrantExact(10);
        grant.buffer().put(sequence(1, 10));
        grant.commit(4);
        assertArrayEquals(sequence(1, 4), readAll(consumer));
        assertEquals(4, queue.ring().sharedWrite(), "the 6 unused bytes went back to the free space");
        write(producer, sequence(20, 12)); // fits only because those 6 bytes were recycled
        assertArrayEquals(sequence(20, 12), readAll(consumer));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void zeroCommitPublishesNothingAndTheQueueGoesOn(Storage storage) { // edge 2
        BBQueue queue = storage.queue(16);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        producer.tryGrantExact(8).commit(0);
        assertNull(consumer.tryRead());
        write(producer, sequence(1, 8));
        assertArrayEquals(sequence(1, 8), readAll(consumer));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void partialReleaseKeepsTheRestForTheNextRead(Storage storage) {
        BBQueue queue = storage.queue(16);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 10));
        ReadGrant grant = consumer.tryRead();
        grant.release(3);
        assertArrayEquals(sequence(4, 7), readAll(consumer));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void exactFitAtTheTailThenWrapLeavesTheWatermarkAtCapacity(Storage storage) { // edge 3
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        moveTo(producer, consumer, 4);
        write(producer, sequence(1, 6)); // [4, 10): write == capacity
        assertEquals(10, queue.ring().sharedWrite());
        assertEquals(10, queue.ring().sharedLast());
        assertArrayEquals(sequence(1, 6), readAll(consumer));
        write(producer, sequence(7, 3)); // wraps with write == capacity
        assertEquals(3, queue.ring().sharedWrite());
        assertEquals(10, queue.ring().sharedLast());
        assertArrayEquals(sequence(7, 3), readAll(consumer));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void grantThatDoesNotFitTheTailWrapsToTheStartAndSkipsTheTail(Storage storage) { // edge 4
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        moveTo(producer, consumer, 6); // read == write == 6: the tail [6, 10) holds 4
        WriteGrant grant = producer.tryGrantExact(5);
        assertNotNull(grant, "5 bytes fit in front of read");
        grant.buffer().put(sequence(50, 5));
        grant.commit(5);
        assertEquals(6, queue.ring().sharedLast(), "the old write became the watermark");
        assertEquals(5, queue.ring().sharedWrite());
        assertArrayEquals(sequence(50, 5), readAll(consumer), "the skipped tail [6, 10) is never read");
        assertNull(consumer.tryRead());
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void readerReturnsTheTailBeforeTheWrappedBytes(Storage storage) {
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        moveTo(producer, consumer, 4);
        write(producer, sequence(1, 4)); // [4, 8)
        consumer.tryRead().release(2); // read = 6
        write(producer, sequence(5, 5)); // tail [8,10) too small; wraps to [0, 5), 5 < 6
        assertArrayEquals(sequence(3, 2), readAll(consumer), "tail first, up to the watermark");
        assertArrayEquals(sequence(5, 5), readAll(consumer), "then the wrapped bytes");
        assertNull(consumer.tryRead());
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void wrapNeedsAGrantStrictlySmallerThanRead(Storage storage) { // edge 5
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 8));
        consumer.tryRead().release(5); // read = 5, write = 8, tail = 2
        assertNull(producer.tryGrantExact(5), "ending at read would make a full ring look empty");
        WriteGrant grant = producer.tryGrantExact(4);
        assertNotNull(grant);
        grant.commit(4);
        assertArrayEquals(sequence(6, 3), readAll(consumer));
        assertEquals(4, readAll(consumer).length);
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void invertedGrantMustEndBeforeRead(Storage storage) { // edge 6
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 8));
        consumer.tryRead().release(7); // read = 7
        write(producer, sequence(20, 2)); // tail [8, 10)
        write(producer, sequence(30, 3)); // wraps to [0, 3): inverted, write = 3 < read = 7
        assertNull(producer.tryGrantExact(4), "write + 4 == read");
        WriteGrant max = producer.tryGrantMax(100);
        assertEquals(3, max.length(), "read - write - 1 is the most an inverted ring offers");
        max.commit(3);
        assertNull(producer.tryGrantMax(1));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void grantMaxTakesTheTailWhenItIsAtLeastAsLargeAsTheFront(Storage storage) {
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        moveTo(producer, consumer, 4); // tail 6, front 3
        WriteGrant grant = producer.tryGrantMax(100);
        assertEquals(6, grant.length());
        grant.buffer().put(sequence(1, 6));
        grant.commit(6);
        assertArrayEquals(sequence(1, 6), readAll(consumer));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void grantMaxWrapsWhenTheFrontIsLarger(Storage storage) { // bbqueue #29, done the other way
        BBQueue queue = storage.queue(100);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        moveTo(producer, consumer, 90); // tail 10, front 89
        WriteGrant grant = producer.tryGrantMax(50);
        assertEquals(50, grant.length());
        grant.buffer().put(sequence(1, 50));
        grant.commit(50);
        assertEquals(0, queue.ring().sharedWrite() - 50);
        assertArrayEquals(sequence(1, 50), readAll(consumer));
        WriteGrant small = producer.tryGrantMax(5);
        assertEquals(5, small.length(), "a request the tail can satisfy does not wrap");
        small.close();
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void grantMaxReturnsNullWhenNothingIsFree(Storage storage) { // edge 7
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 10));
        assertNull(producer.tryGrantMax(1));
        consumer.tryRead().release(1); // read = 1, write = 10: front would have to end before 1
        assertNull(producer.tryGrantMax(1));
        assertNull(producer.tryGrantExact(1));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void zeroCommitOfAWrappingGrantLeavesTheTailReadable(Storage storage) { // edge 9
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 8));
        consumer.tryRead().release(6); // read = 6, bytes 7, 8 unread at [6, 8)
        WriteGrant wrapping = producer.tryGrantExact(4); // tail [8, 10) too small: wraps to [0, 4)
        assertNotNull(wrapping);
        wrapping.commit(0);
        assertArrayEquals(sequence(7, 2), readAll(consumer));
        assertNull(consumer.tryRead());
        write(producer, sequence(40, 2)); // the tail is still usable: nothing was skipped
        assertArrayEquals(sequence(40, 2), readAll(consumer));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void wrappedBytesBecomeVisibleOnlyAfterTheUpperRegionIsReleased(Storage storage) { // edge 11
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        moveTo(producer, consumer, 5);
        write(producer, sequence(1, 4)); // [5, 9)
        consumer.tryRead().release(1); // read = 6
        write(producer, sequence(10, 3)); // wraps to [0, 3)
        ReadGrant upper = consumer.tryRead();
        assertArrayEquals(sequence(2, 3), remaining(upper.buffer()));
        upper.release(1);
        assertArrayEquals(sequence(3, 2), readAll(consumer), "the rest of the upper region comes back first");
        assertArrayEquals(sequence(10, 3), readAll(consumer));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void readerMovesToTheStartOnlyWhenTheProducerHasWrapped(Storage storage) { // edge 12
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        moveTo(producer, consumer, 6); // read == write == 6, last == capacity
        assertNull(consumer.tryRead());
        assertEquals(6, queue.ring().sharedRead(), "an empty straight ring is not inverted");
        write(producer, sequence(1, 4)); // [6, 10): write == last == capacity
        assertArrayEquals(sequence(1, 4), readAll(consumer)); // read == last == 10 == write
        assertNull(consumer.tryRead());
        assertEquals(10, queue.ring().sharedRead(), "read == last but write == read: stays");
        write(producer, sequence(5, 2)); // wraps to [0, 2)
        assertArrayEquals(sequence(5, 2), readAll(consumer));
        assertEquals(2, queue.ring().sharedRead());
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void commitEndingExactlyAtTheWatermarkKeepsItThenPassingItResetsIt(Storage storage) { // edge 13
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 8));
        consumer.tryRead().release(8); // read = 8
        write(producer, sequence(9, 7)); // wraps to [0, 7): last = 8
        assertEquals(8, queue.ring().sharedLast());
        assertArrayEquals(sequence(9, 7), readAll(consumer)); // follows the watermark, read = 7
        write(producer, sequence(16, 1)); // [7, 8): new write == last
        assertEquals(8, queue.ring().sharedLast());
        write(producer, sequence(17, 2)); // [8, 10): passes the watermark
        assertEquals(10, queue.ring().sharedLast());
        assertArrayEquals(sequence(16, 3), readAll(consumer), "bytes [7, 10) are one region again");
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void splitReadCoversBothRegionsOfAWrappedRing(Storage storage) { // edge 21
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        moveTo(producer, consumer, 6);
        write(producer, sequence(1, 3)); // [6, 9)
        write(producer, sequence(4, 4)); // wraps to [0, 4)
        SplitReadGrant grant = consumer.trySplitRead();
        assertArrayEquals(sequence(1, 3), remaining(grant.first()));
        assertArrayEquals(sequence(4, 4), remaining(grant.second()));
        assertEquals(7, grant.length());
        assertEquals(3, grant.first().capacity());
        assertEquals(4, grant.second().capacity());
        grant.release(5); // all of the first region and 2 of the second
        assertArrayEquals(sequence(6, 2), readAll(consumer));
        assertNull(consumer.tryRead());
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void splitReadOfAStraightRingHasAnEmptySecondRegion(Storage storage) {
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 5));
        SplitReadGrant grant = consumer.trySplitRead();
        assertArrayEquals(sequence(1, 5), remaining(grant.first()));
        assertEquals(0, grant.second().capacity());
        grant.release(2);
        assertArrayEquals(sequence(3, 3), readAll(consumer));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void splitReleaseOfExactlyTheFirstRegionStopsAtTheWatermark(Storage storage) {
        BBQueue queue = storage.queue(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        moveTo(producer, consumer, 6);
        write(producer, sequence(1, 3)); // [6, 9)
        write(producer, sequence(4, 4)); // [0, 4)
        consumer.trySplitRead().release(3);
        assertArrayEquals(sequence(4, 4), readAll(consumer));
    }

    @ParameterizedTest
    @EnumSource(Storage.class)
    void capacityOneQueueKeepsWorking(Storage storage) { // edge 23
        BBQueue queue = storage.queue(1);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        for (int i = 0; i < 100; i++) {
            WriteGrant grant = producer.tryGrantExact(1);
            if (grant == null) {
                assertNull(consumer.tryRead(), "the ring is empty: the consumer only follows the watermark");
                grant = producer.tryGrantExact(1);
            }
            grant.buffer().put((byte) i);
            grant.commit(1);
            assertArrayEquals(new byte[] {(byte) i}, readAll(consumer));
        }
        for (int i = 0; i < 100; i++) {
            WriteGrant grant = producer.tryGrantMax(5);
            if (grant == null) {
                assertNull(consumer.tryRead());
                grant = producer.tryGrantMax(5);
            }
            assertEquals(1, grant.length());
            grant.commit(1);
            assertEquals(1, readAll(consumer).length);
        }
    }

    @Test
    void everyWrapPositionOfATinyRingPassesBytesInOrder() { // bbqueue single_thread.rs
        BBQueue queue = BBQueue.allocate(6);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        int next = 0;
        int expected = 0;
        for (int i = 0; i < 100_000; i++) {
            int n = 1 + (i % 5);
            WriteGrant grant = producer.tryGrantExact(n);
            if (grant != null) {
                for (int k = 0; k < n; k++) {
                    grant.buffer().put(k, (byte) next++);
                }
                grant.commit(n);
            }
            ReadGrant read = consumer.tryRead();
            if (read != null) {
                int take = 1 + (i % read.length());
                ByteBuffer b = read.buffer();
                for (int k = 0; k < take; k++) {
                    assertEquals((byte) expected++, b.get(k));
                }
                read.release(take);
            }
        }
        assertTrue(expected > 100_000);
    }

    @Test
    void wrapDoesNotChangeTheCallersBufferAndUsesOnlyItsRemainingBytes() {
        ByteBuffer big = ByteBuffer.allocate(40);
        big.position(10).limit(30);
        BBQueue queue = BBQueue.wrap(big);
        assertEquals(20, queue.capacity());
        assertEquals(10, big.position());
        assertEquals(30, big.limit());
        Producer producer = queue.producer();
        write(producer, sequence(1, 20));
        ByteBuffer whole = big.duplicate().clear();
        for (int i = 0; i < 10; i++) {
            assertEquals(0, whole.get(i), "bytes before the position are not part of the ring");
            assertEquals(0, whole.get(30 + i), "bytes after the limit are not part of the ring");
        }
        assertArrayEquals(sequence(1, 20), remaining(big));
    }
}
