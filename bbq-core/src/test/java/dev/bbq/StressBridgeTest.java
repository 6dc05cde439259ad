package dev.bbq;

import dev.bbq.internal.Secrets;
import dev.bbq.internal.StressAccess;
import dev.bbq.internal.StressAccess.RingView;
import dev.bbq.internal.StressAccess.SharedRing;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The stress module's bridge: {@link Secrets} finds {@link StressBridge} by name, so a rename would
 * only show when the stress module runs; this checks it here, with what each piece reports.
 */
class StressBridgeTest {
    private final StressAccess access = Secrets.stressAccess();

    @Test
    void theBridgeInstallsItselfOnce() {
        assertNotNull(access);
        assertSame(access, Secrets.stressAccess());
        assertThrows(IllegalStateException.class, () -> Secrets.install(access));
        assertEquals(Chaos.ENABLED, access.chaosEnabled());
    }

    @Test
    void theRingViewShowsTheSharedWordsAndWhereTheProducerGranted() {
        BBQueue queue = BBQueue.allocate(16);
        RingView ring = access.ring(queue);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        producer.tryGrantExact(12).commit(12);
        consumer.tryRead().release(8);
        WriteGrant wrapped = producer.tryGrantExact(6); // the tail [12, 16) is too short: at 0
        assertEquals(0, ring.producerGrantStart());
        assertEquals(12, ring.producerWrite());
        wrapped.commit(6);
        assertEquals(16, ring.capacity());
        assertEquals(6, ring.sharedWrite());
        assertEquals(12, ring.sharedLast());
        assertEquals(8, ring.sharedRead());
        assertEquals(queue.ring().toString(), ring.toString());
    }

    @Test
    void aSharedLayoutRingMovesBytesAndFrames() {
        SharedRing raw = access.sharedLayout(16);
        Producer producer = raw.producer();
        Consumer consumer = raw.consumer();
        WriteGrant grant = producer.tryGrantExact(3);
        grant.buffer().put(0, (byte) 7);
        grant.commit(3);
        ReadGrant read = consumer.tryRead();
        assertEquals(3, read.length());
        assertEquals(7, read.buffer().get(read.buffer().position()));
        read.release(3);

        SharedRing framed = access.sharedLayout(32);
        FrameProducer frameProducer = framed.frameProducer();
        FrameConsumer frameConsumer = framed.frameConsumer();
        frameProducer.tryWrite(new byte[] {1, 2, 3}, 0, 3);
        Frame frame = frameConsumer.tryRead();
        ByteBuffer body = frame.buffer();
        assertEquals(3, body.remaining());
        assertEquals(3, body.get(body.position() + 2));
        frame.release();
    }
}
