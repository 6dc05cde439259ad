package dev.bbq;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random sequences of grants, commits, reads and releases, checked step by step against a trivially
 * correct model: a deque of bytes (raw) or of frames (framed). Every byte read must be the next byte
 * the model holds; nothing may appear, vanish or repeat; and the queue must never refuse what its
 * rules promise (data is always readable when the model holds some; a drained queue grants its
 * whole capacity after one read attempt).
 */
class QueueModelProperties {

    /** One step: {@code kind} picks the operation, {@code a} and {@code b} are its sizes or fractions. */
    static final class Step {
        final int kind;
        final int a;
        final int b;

        Step(int kind, int a, int b) {
            this.kind = kind;
            this.a = a;
            this.b = b;
        }

        @Override
        public String toString() {
            return kind + ":" + a + ":" + b;
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.integers().between(0, 9),
                Arbitraries.integers().between(0, 70),
                Arbitraries.integers().between(0, 100)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 400)
    void rawQueueBehavesLikeAByteDeque(@ForAll Storage storage, @ForAll @IntRange(min = 1, max = 64) int capacity,
                                       @ForAll("steps") List<Step> steps) {
        BBQueue queue = storage.queue(capacity);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        Deque<Byte> model = new ArrayDeque<>();
        int[] next = {0};
        for (Step step : steps) {
            switch (step.kind) {
                case 0: case 1: case 2: { // grant exact, partial commit
                    int n = 1 + step.a % capacity;
                    WriteGrant grant = producer.tryGrantExact(n);
                    if (grant != null) {
                        assertEquals(n, grant.length());
                        commitSome(grant, grant.buffer(), step.b, model, next, capacity);
                    }
                    break;
                }
                case 3: { // grant max
                    WriteGrant grant = producer.tryGrantMax(1 + step.a);
                    if (grant == null && model.isEmpty()) {
                        // Only a pending R8 handshake (or capacity 1) refuses on an empty ring, and
                        // the consumer's next read attempt settles it.
                        assertNull(consumer.tryRead());
                        grant = producer.tryGrantMax(1 + step.a);
                        assertNotNull(grant, "an empty ring has room once the consumer has looked");
                    }
                    if (grant != null) {
                        assertTrue(grant.length() >= 1 && grant.length() <= 1 + step.a);
                        commitSome(grant, grant.buffer(), step.b, model, next, capacity);
                    }
                    break;
                }
                case 4: { // grant then close without commit
                    WriteGrant grant = producer.tryGrantMax(1 + step.a);
                    if (grant != null) {
                        grant.buffer().put(0, (byte) 0x7F);
                        grant.close();
                    }
                    break;
                }
                case 5: case 6: case 7: { // read, release a fraction
                    ReadGrant grant = consumer.tryRead();
                    if (model.isEmpty()) {
                        assertNull(grant);
                        break;
                    }
                    assertNotNull(grant, "the model holds " + model.size() + " bytes");
                    ByteBuffer b = grant.buffer();
                    assertEquals(grant.length(), b.capacity());
                    assertTrue(grant.length() <= model.size());
                    checkPrefix(model, b, 0);
                    int release = grant.length() * step.b / 100;
                    grant.release(release);
                    drop(model, release);
                    break;
                }
                case 8: { // split read sees everything
                    SplitReadGrant grant = consumer.trySplitRead();
                    if (model.isEmpty()) {
                        assertNull(grant);
                        break;
                    }
                    assertEquals(model.size(), grant.length(), "a split read covers all committed bytes");
                    checkPrefix(model, grant.first(), 0);
                    checkPrefix(model, grant.second(), grant.first().remaining());
                    int release = grant.length() * step.b / 100;
                    grant.release(release);
                    drop(model, release);
                    break;
                }
                default: { // drain completely, then the whole capacity must be grantable
                    SplitReadGrant all;
                    while ((all = consumer.trySplitRead()) != null) {
                        checkPrefix(model, all.first(), 0);
                        checkPrefix(model, all.second(), all.first().remaining());
                        drop(model, all.length());
                        all.release(all.length());
                    }
                    assertTrue(model.isEmpty());
                    WriteGrant whole = producer.tryGrantExact(capacity);
                    if (whole == null) {
                        assertNull(consumer.tryRead());
                        whole = producer.tryGrantExact(capacity);
                    }
                    assertNotNull(whole, "R8: a drained ring grants its whole capacity after one read attempt");
                    commitSome(whole, whole.buffer(), step.b, model, next, capacity);
                    break;
                }
            }
        }
    }

    private static void commitSome(WriteGrant grant, ByteBuffer buffer, int percent, Deque<Byte> model, int[] next,
                                   int capacity) {
        assertTrue(model.size() + grant.length() <= capacity, "a grant never overlaps unread bytes");
        int used = grant.length() * percent / 100;
        for (int i = 0; i < grant.length(); i++) {
            buffer.put(i, (byte) (i < used ? next[0] + i : 0xEE));
        }
        for (int i = 0; i < used; i++) {
            model.addLast((byte) next[0]++);
        }
        grant.commit(used);
    }

    private static void checkPrefix(Deque<Byte> model, ByteBuffer actual, int skip) {
        int i = 0;
        for (Byte expected : model) {
            if (i >= skip + actual.remaining()) {
                break;
            }
            if (i >= skip) {
                assertEquals((byte) expected, actual.get(actual.position() + i - skip), "byte " + i);
            }
            i++;
        }
    }

    private static void drop(Deque<?> model, int n) {
        for (int i = 0; i < n; i++) {
            model.removeFirst();
        }
    }

    @Property(tries = 400)
    void framedQueueBehavesLikeAFrameDeque(@ForAll Storage storage, @ForAll @IntRange(min = 2, max = 300) int capacity,
                                           @ForAll("steps") List<Step> steps) {
        BBQueue queue = storage.queue(capacity);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        int maxFrame = producer.maxFrameLength();
        Deque<byte[]> model = new ArrayDeque<>();
        int[] next = {0};
        for (Step step : steps) {
            int length = step.a % (maxFrame + 1);
            switch (step.kind) {
                case 0: case 1: { // copy in a frame
                    byte[] frame = frameBytes(next, length);
                    if (producer.tryWrite(frame, 0, frame.length)) {
                        model.addLast(frame);
                    }
                    break;
                }
                case 2: case 3: { // grant, commit part of it
                    FrameGrant grant = producer.tryGrant(length);
                    if (grant != null) {
                        int used = length * step.b / 100;
                        byte[] frame = frameBytes(next, used);
                        grant.buffer().put(frame);
                        grant.commit(used);
                        model.addLast(frame);
                    }
                    break;
                }
                case 4: { // grant, abort
                    FrameGrant grant = producer.tryGrant(length);
                    if (grant != null) {
                        grant.close();
                    }
                    break;
                }
                case 5: case 6: { // read one, release or keep
                    Frame frame = consumer.tryRead();
                    if (model.isEmpty()) {
                        assertNull(frame);
                        break;
                    }
                    assertNotNull(frame, "the model holds " + model.size() + " frames");
                    assertArrayEquals(model.peekFirst(), Bytes.remaining(frame.buffer()));
                    if (step.b < 80) {
                        frame.release();
                        model.removeFirst();
                    } else {
                        frame.close();
                    }
                    break;
                }
                case 7: case 8: { // drain some
                    int max = 1 + step.b % 8;
                    int expected = Math.min(max, model.size());
                    int handed = consumer.drain(buf -> assertArrayEquals(model.removeFirst(), Bytes.remaining(buf)), max);
                    assertTrue(handed <= expected);
                    assertTrue(handed > 0 || expected == 0, "a non-empty queue hands over at least one frame");
                    break;
                }
                default: { // drain everything, then the largest frame must fit after one read attempt
                    while (consumer.drain(buf -> assertArrayEquals(model.removeFirst(), Bytes.remaining(buf)), 100) > 0) {
                        // keep draining
                    }
                    assertTrue(model.isEmpty());
                    byte[] big = frameBytes(next, maxFrame);
                    if (!producer.tryWrite(big, 0, big.length)) {
                        assertNull(consumer.tryRead());
                        assertTrue(producer.tryWrite(big, 0, big.length), "R8 for the largest frame");
                    }
                    model.addLast(big);
                    break;
                }
            }
        }
    }

    private static byte[] frameBytes(int[] next, int length) {
        byte[] frame = new byte[length];
        for (int i = 0; i < length; i++) {
            frame[i] = (byte) next[0]++;
        }
        return frame;
    }
}
