package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.bbq.Bytes.readAll;
import static dev.bbq.Bytes.sequence;
import static dev.bbq.Bytes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reusable grants: caller-owned grant objects that a producer or consumer fills in again on every
 * grant, with the rules of the one-shot grants (one open per side, dead after commit, release or
 * close, misuse throws and leaves the queue as it was).
 */
class ReusableGrantsTest {

    @ParameterizedTest
    @EnumSource(Storage.class)
    void oneRawGrantObjectCarriesManyGrantsAcrossLaps(Storage storage) {
        BBQueue queue = storage.queue(100);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        ReusableWriteGrant out = new ReusableWriteGrant();
        ReusableReadGrant in = new ReusableReadGrant();
        int written = 0;
        int read = 0;
        for (int i = 0; i < 5_000; i++) {
            int n = 1 + i % 37;
            assertTrue(producer.tryGrantExact(n, out), "the consumer drains every round, so there is room");
            for (int k = 0; k < n; k++) {
                out.put(k, new byte[] {(byte) (written + k)}, 0, 1);
            }
            out.commit(n);
            written += n;
            while (consumer.tryRead(in)) {
                for (int k = 0; k < in.length(); k++) {
                    assertEquals((byte) (read + k), in.get(k), "byte " + (read + k));
                }
                read += in.length();
                in.release();
            }
        }
        assertEquals(written, read);
        assertEquals(written, queue.stats().bytesReleased());
    }

    @Test
    void aRawReadGrantCanReleaseAPrefixAndKeepTheRest() {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 10));
        ReusableReadGrant in = new ReusableReadGrant();
        assertTrue(consumer.tryRead(in));
        assertEquals(10, in.length());
        in.release(4);
        assertFalse(in.isOpen());
        assertTrue(consumer.tryRead(in));
        byte[] rest = new byte[in.length()];
        in.get(0, rest, 0, rest.length);
        assertArrayEquals(new byte[] {5, 6, 7, 8, 9, 10}, rest);
    }

    @Test
    void grantMaxIntoAReusableGrantTakesWhatIsFree() throws InterruptedException {
        BBQueue queue = BBQueue.allocateDirect(64);
        Producer producer = queue.producer();
        write(producer, new byte[40]);
        ReusableWriteGrant out = new ReusableWriteGrant();
        assertTrue(producer.tryGrantMax(1000, out));
        assertEquals(24, out.length(), "the tail after 40 committed bytes");
        ByteBuffer view = out.buffer();
        assertEquals(24, view.capacity());
        out.close();
        assertTrue(producer.grantMax(8, out, 1, TimeUnit.SECONDS));
        assertEquals(8, out.length());
        out.commit(8);
        assertEquals(48, readAll(queue.consumer()).length);
    }

    @Test
    void aFrameGrantObjectPublishesOneFramePerCommit() {
        BBQueue queue = BBQueue.allocate(64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        ReusableWriteGrant out = new ReusableWriteGrant();
        ReusableReadGrant in = new ReusableReadGrant();
        for (int round = 0; round < 200; round++) {
            int length = round % 20;
            assertTrue(producer.tryGrant(19, out));
            assertEquals(19, out.length());
            out.buffer().put(sequence(round, length));
            out.commit(length);
            assertTrue(consumer.tryRead(in), "round " + round);
            assertEquals(length, in.length());
            byte[] got = new byte[length];
            in.get(0, got, 0, length);
            assertArrayEquals(sequence(round, length), got);
            in.release();
            assertFalse(consumer.tryRead(in), "one commit, one frame");
        }
        assertEquals(200, queue.stats().framesReleased());
    }

    @Test
    void aFrameIsReleasedWhole() {
        BBQueue queue = BBQueue.allocate(64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        producer.tryWrite(sequence(1, 8), 0, 8);
        ReusableReadGrant in = new ReusableReadGrant();
        assertTrue(consumer.tryRead(in));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> in.release(3));
        assertTrue(e.getMessage().contains("released whole"), e.getMessage());
        assertTrue(in.isOpen(), "the refused release left the frame held");
        in.release(8);
        assertFalse(consumer.tryRead(in));
        assertEquals(1, queue.stats().framesReleased());
    }

    @Test
    void anEmptyFrameIsAFrame() {
        BBQueue queue = BBQueue.allocate(16);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        ReusableWriteGrant out = new ReusableWriteGrant();
        assertTrue(producer.tryGrant(4, out));
        out.commit(0);
        ReusableReadGrant in = new ReusableReadGrant();
        assertTrue(consumer.tryRead(in));
        assertEquals(0, in.length());
        in.release();
        assertEquals(0, queue.stats().bytesInUse(), "the header went too");
    }

    @Test
    void aCommittedGrantObjectIsDeadUntilGrantedAgain() {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        ReusableWriteGrant out = new ReusableWriteGrant();
        assertTrue(producer.tryGrantExact(4, out));
        out.commit(4);
        assertFalse(out.isOpen());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> out.commit(4));
        assertTrue(e.getMessage().contains("no open grant"), e.getMessage());
        assertThrows(IllegalStateException.class, out::buffer);
        assertThrows(IllegalStateException.class, () -> out.put(0, new byte[1], 0, 1));
        assertThrows(IllegalStateException.class, out::arrayOffset);
        assertEquals(4, readAll(queue.consumer()).length, "the first commit happened once");
        assertTrue(producer.tryGrantExact(2, out), "granting again revives it");
        assertTrue(out.isOpen());
    }

    @Test
    void aFreshGrantObjectHoldsNothing() {
        ReusableWriteGrant out = new ReusableWriteGrant();
        ReusableReadGrant in = new ReusableReadGrant();
        assertFalse(out.isOpen());
        assertFalse(in.isOpen());
        assertEquals(0, out.length());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> out.commit(0));
        assertTrue(e.getMessage().contains("not been granted into"), e.getMessage());
        assertThrows(IllegalStateException.class, in::release);
        out.close(); // harmless
        in.close();
    }

    @Test
    void anOpenGrantObjectCannotBeGrantedIntoAgain() {
        BBQueue first = BBQueue.allocate(32);
        BBQueue second = BBQueue.allocate(32);
        Producer producer = first.producer();
        Producer other = second.producer();
        ReusableWriteGrant out = new ReusableWriteGrant();
        assertTrue(producer.tryGrantExact(4, out));
        String before = first.ring().toString();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.tryGrantExact(4, out));
        assertTrue(e.getMessage().contains("still open"), e.getMessage());
        assertTrue(other.tryGrantExact(4, new ReusableWriteGrant()), "the refusal opened nothing on the other queue");
        assertTrue(out.isOpen(), "and did not disturb the open grant");
        assertEquals(before, first.ring().toString());
        out.put(0, sequence(1, 4), 0, 4);
        out.commit(4);
        assertArrayEquals(sequence(1, 4), readAll(first.consumer()));
    }

    @Test
    void oneGrantPerSideWhateverItsKind() {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        ReusableWriteGrant out = new ReusableWriteGrant();
        assertTrue(producer.tryGrantExact(4, out));
        assertThrows(IllegalStateException.class, () -> producer.tryGrantExact(4));
        assertThrows(IllegalStateException.class, () -> producer.tryGrantMax(4, new ReusableWriteGrant()));
        out.commit(4);
        ReusableReadGrant in = new ReusableReadGrant();
        assertTrue(consumer.tryRead(in));
        assertThrows(IllegalStateException.class, consumer::tryRead);
        in.close();
        assertEquals(4, consumer.tryRead().length(), "close released nothing");
    }

    @Test
    void closingAGrantObjectPublishesNothing() {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        ReusableWriteGrant out = new ReusableWriteGrant();
        assertTrue(producer.tryGrantExact(8, out));
        out.put(0, sequence(1, 8), 0, 8);
        out.close();
        out.close();
        assertFalse(out.isOpen());
        assertNull(queue.consumer().tryRead());
        assertTrue(producer.tryGrantExact(32, out), "the aborted room is free again");
    }

    @Test
    void aCommitTooLargeIsRefusedAndTheGrantStaysOpen() {
        BBQueue queue = BBQueue.allocate(32);
        FrameProducer producer = queue.frameProducer();
        ReusableWriteGrant out = new ReusableWriteGrant();
        assertTrue(producer.tryGrant(5, out));
        assertThrows(IllegalArgumentException.class, () -> out.commit(6));
        assertThrows(IllegalArgumentException.class, () -> out.commit(-1));
        assertTrue(out.isOpen());
        out.commit(5);
        assertEquals(1, queue.stats().framesCommitted());
    }

    @Test
    void timedFormsReturnFalseWhenTheTimeRunsOut() throws InterruptedException {
        BBQueue queue = BBQueue.allocate(16);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        ReusableReadGrant in = new ReusableReadGrant();
        assertFalse(consumer.read(in, 20, TimeUnit.MILLISECONDS));
        assertFalse(in.isOpen());
        ReusableWriteGrant out = new ReusableWriteGrant();
        assertTrue(producer.grant(14, out, 0, TimeUnit.SECONDS));
        out.commit(14);
        assertFalse(producer.grant(14, out, 20, TimeUnit.MILLISECONDS));
        assertFalse(out.isOpen());
        assertTrue(consumer.read(in, 0, TimeUnit.SECONDS));
        assertEquals(14, in.length());
    }

    @Test
    void aWaitingReadIsWokenByACommitFromAnotherThread() throws Exception {
        BBQueue queue = BBQueue.builder().capacity(64).waitStrategy(WaitStrategy.blocking()).build();
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                ReusableWriteGrant out = new ReusableWriteGrant();
                for (int i = 0; i < 20_000; i++) {
                    assertTrue(producer.grantExact(4, out, 10, TimeUnit.SECONDS));
                    out.put(0, Bytes.sequence(i, 4), 0, 4);
                    out.commit(4);
                }
                producer.close();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        writer.start();
        ReusableReadGrant in = new ReusableReadGrant();
        int next = 0;
        long bytes = 0;
        while (consumer.read(in, 10, TimeUnit.SECONDS)) {
            for (int k = 0; k + 4 <= in.length(); k += 4) {
                assertEquals((byte) next, in.get(k), "message " + next);
                next++;
            }
            bytes += in.length() - in.length() % 4;
            in.release(in.length() - in.length() % 4);
        }
        writer.join();
        assertNull(failure.get());
        assertTrue(consumer.isClosed(), "the read ended at the end of the stream, not on a timeout");
        assertEquals(20_000, next);
        assertEquals(80_000, bytes);
    }

    @Test
    void closingTheProducerEndsItsOpenGrantObject() {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        ReusableWriteGrant out = new ReusableWriteGrant();
        assertTrue(producer.tryGrantExact(4, out));
        producer.close();
        assertFalse(out.isOpen());
        assertThrows(IllegalStateException.class, () -> out.commit(4));
        assertThrows(QueueClosedException.class, () -> producer.tryGrantExact(4, new ReusableWriteGrant()));
    }
}
