package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.bbq.Bytes.readAll;
import static dev.bbq.Bytes.remaining;
import static dev.bbq.Bytes.sequence;
import static dev.bbq.Bytes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Grants as objects: one open per side, closed by commit, release or close, and dead afterwards.
 * Every misuse throws and leaves the queue exactly as it was (bbqueue edge cases 15 to 19).
 */
class GrantLifecycleTest {
    private final BBQueue queue = BBQueue.allocate(32);
    private final Producer producer = queue.producer();
    private final Consumer consumer = queue.consumer();

    private String state() {
        return queue.ring().toString();
    }

    @Test
    void aSecondWriteGrantWhileOneIsOpenIsRefused() { // edge 17
        WriteGrant open = producer.tryGrantExact(4);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> producer.tryGrantExact(4));
        assertTrue(e.getMessage().contains("already open"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> producer.tryGrantMax(4));
        open.commit(0);
        assertNotNull(producer.tryGrantExact(4));
    }

    @Test
    void aSecondReadGrantWhileOneIsOpenIsRefused() { // edge 17
        write(producer, sequence(1, 4));
        ReadGrant open = consumer.tryRead();
        assertThrows(IllegalStateException.class, consumer::tryRead);
        assertThrows(IllegalStateException.class, consumer::trySplitRead);
        open.release(0);
        assertNotNull(consumer.tryRead());
    }

    @Test
    void aRefusedGrantLeavesNoGrantOpen() { // edge 17, bbqueue #58
        write(producer, new byte[32]);
        assertNull(producer.tryGrantExact(1));
        assertNull(producer.tryGrantMax(1));
        readAll(consumer);
        assertNull(consumer.tryRead());
        assertNull(consumer.trySplitRead());
        assertNotNull(producer.tryGrantExact(1), "no lock was left behind by the refusals");
    }

    @Test
    void aCommittedGrantIsDead() { // edge 18
        WriteGrant grant = producer.tryGrantExact(4);
        grant.commit(4);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> grant.commit(4));
        assertTrue(e.getMessage().contains("no longer open"), e.getMessage());
        assertThrows(IllegalStateException.class, grant::buffer);
        assertEquals(4, readAll(consumer).length, "the first commit happened once");
    }

    @Test
    void aStaleWriteGrantCannotCommitANewerOne() { // edge 18: Java cannot move the grant away
        WriteGrant stale = producer.tryGrantExact(4);
        stale.commit(4);
        WriteGrant newer = producer.tryGrantExact(8);
        String before = state();
        assertThrows(IllegalStateException.class, () -> stale.commit(2));
        assertThrows(IllegalStateException.class, stale::buffer);
        stale.close(); // harmless: must not abort the newer grant
        assertEquals(before, state());
        newer.buffer().put(sequence(1, 8));
        newer.commit(8);
        assertEquals(12, readAll(consumer).length);
    }

    @Test
    void aStaleReadGrantCannotReleaseANewerOne() { // edge 18
        write(producer, sequence(1, 10));
        ReadGrant stale = consumer.tryRead();
        stale.release(2);
        ReadGrant newer = consumer.tryRead();
        String before = state();
        assertThrows(IllegalStateException.class, () -> stale.release(1));
        assertThrows(IllegalStateException.class, stale::buffer);
        stale.close();
        assertEquals(before, state());
        assertArrayEquals(sequence(3, 8), remaining(newer.buffer()));
        newer.release(8);
    }

    @Test
    void closingAWriteGrantCommitsNothing() { // edge 19
        try (WriteGrant grant = producer.tryGrantExact(4)) {
            grant.buffer().put(sequence(1, 4));
        }
        assertNull(consumer.tryRead());
        assertNotNull(producer.tryGrantExact(32), "the closed grant's space is free again");
    }

    @Test
    void closingAReadGrantReleasesNothing() { // edge 19
        write(producer, sequence(1, 6));
        try (ReadGrant grant = consumer.tryRead()) {
            assertEquals(6, grant.length());
        }
        assertArrayEquals(sequence(1, 6), readAll(consumer), "the next read sees the same bytes");
    }

    @Test
    void closeAfterCommitOrReleaseDoesNothing() {
        try (WriteGrant grant = producer.tryGrantExact(4)) {
            grant.buffer().put(sequence(1, 4));
            grant.commit(4);
        }
        try (ReadGrant grant = consumer.tryRead()) {
            grant.release(4);
        }
        assertNull(consumer.tryRead());
        try (SplitReadGrant grant = consumer.trySplitRead()) {
            assertNull(grant, "try-with-resources accepts a null grant");
        }
    }

    @Test
    void closingASplitReadGrantReleasesNothing() { // bbqueue #81
        write(producer, sequence(1, 6));
        consumer.trySplitRead().close();
        SplitReadGrant again = consumer.trySplitRead();
        assertEquals(6, again.length());
        again.release(6);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE, 33, Integer.MAX_VALUE})
    void impossibleExactGrantsFailAtOnceAndChangeNothing(int n) { // edges 15, 16
        write(producer, sequence(1, 3));
        String before = state();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> producer.tryGrantExact(n));
        assertTrue(e.getMessage().contains("grant of " + n), e.getMessage());
        assertEquals(before, state());
        assertNotNull(producer.tryGrantExact(4), "no grant was left open");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void grantMaxBelowOneIsRejected(int max) {
        assertThrows(IllegalArgumentException.class, () -> producer.tryGrantMax(max));
        assertNotNull(producer.tryGrantMax(Integer.MAX_VALUE), "a huge max is fine: it is only an upper bound");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 5, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void committingMoreThanGrantedOrANegativeCountIsRejectedAndTheGrantStaysOpen(int used) { // edge 10
        WriteGrant grant = producer.tryGrantExact(4);
        grant.buffer().put(sequence(1, 4));
        String before = state();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> grant.commit(used));
        assertTrue(e.getMessage().contains("commit of " + used), e.getMessage());
        assertEquals(before, state());
        grant.commit(4);
        assertArrayEquals(sequence(1, 4), readAll(consumer));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 7, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void releasingMoreThanGrantedOrANegativeCountIsRejectedAndTheGrantStaysOpen(int n) { // edge 10
        write(producer, sequence(1, 6));
        ReadGrant grant = consumer.tryRead();
        String before = state();
        assertThrows(IllegalArgumentException.class, () -> grant.release(n));
        assertEquals(before, state());
        grant.release(6);
        assertNull(consumer.tryRead());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 9, Integer.MAX_VALUE})
    void splitReleaseOutsideTheGrantIsRejected(int n) {
        write(producer, sequence(1, 8));
        SplitReadGrant grant = consumer.trySplitRead();
        String before = state();
        assertThrows(IllegalArgumentException.class, () -> grant.release(n));
        assertEquals(before, state());
        grant.release(8);
    }

    @Test
    void aGrantMayBeCommittedOnAnotherThreadGivenAHappensBeforeEdge() throws Exception {
        // bbqueue ring_around_the_senders: grants are not tied to the thread that made them.
        WriteGrant grant = producer.tryGrantExact(4);
        Thread other = new Thread(() -> {
            grant.buffer().put(sequence(1, 4));
            grant.commit(4);
        });
        other.start(); // Thread.start and join are the happens-before edges
        other.join();
        ReadGrant read = consumer.tryRead();
        Thread third = new Thread(() -> {
            assertArrayEquals(sequence(1, 4), remaining(read.buffer()));
            read.release(4);
        });
        third.start();
        third.join();
        assertNull(consumer.tryRead());
    }
}
