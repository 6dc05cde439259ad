package dev.bbq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;
import dev.bbq.QueueStats;
import dev.bbq.wire.Deframer;
import dev.bbq.wire.FrameCheck;
import dev.bbq.wire.FrameEncoder;

import java.util.concurrent.TimeUnit;

/** Queues and deframers with every counter moved, for the tests to read back. */
final class Fixtures {
    private Fixtures() {
    }

    /**
     * A 1 KiB framed queue, left at rest: frames committed and released, some in use, a drop, a
     * refusal and a producer wait (a timed grant that ran out on the full queue).
     */
    static Busy busyQueue() throws InterruptedException {
        BBQueue queue = BBQueue.allocate(1024);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        byte[] payload = new byte[100];
        int written = 0;
        while (producer.writeOrDrop(payload, 0, payload.length)) {
            written++;
        }
        assertTrue(written > 2, "frames fit before the queue was full");
        assertTrue(producer.grant(100, 5, TimeUnit.MILLISECONDS) == null, "the full queue refuses a timed grant");
        for (int i = 0; i < 2; i++) {
            Frame frame = consumer.tryRead();
            assertEquals(100, frame.length());
            frame.release();
        }
        QueueStats stats = queue.stats();
        assertTrue(stats.framesDropped() == 1 && stats.grantsRefused() > 0 && stats.framesReleased() == 2
                && stats.bytesInUse() > 0 && stats.producerWaitNanos() > 0, stats::toString);
        return new Busy(queue, producer, consumer);
    }

    /** A queue and its two halves (each half can be taken once). */
    static final class Busy {
        final BBQueue queue;
        final FrameProducer producer;
        final FrameConsumer consumer;

        Busy(BBQueue queue, FrameProducer producer, FrameConsumer consumer) {
            this.queue = queue;
            this.producer = producer;
            this.consumer = consumer;
        }
    }

    /** A deframer that delivered two frames and rejected one with a bad check and one malformed. */
    static Deframer busyDeframer() {
        Deframer deframer = new Deframer(64, FrameCheck.CRC16_CCITT_FALSE);
        FrameEncoder encoder = new FrameEncoder(FrameCheck.CRC16_CCITT_FALSE);
        byte[] wire = new byte[256];
        int n = 0;
        byte[] payload = {1, 2, 3, 4, 5, 6, 7, 8};
        n += encoder.encode(payload, 0, payload.length, wire, n);
        n += encoder.encode(payload, 0, payload.length, wire, n);
        int damaged = n;
        n += encoder.encode(payload, 0, payload.length, wire, n);
        wire[damaged + 3] ^= 0x10; // a payload byte flipped: the check no longer matches
        wire[n++] = 5; // a COBS block that claims 4 more bytes but is cut short by the delimiter
        wire[n++] = 9;
        wire[n++] = 0;
        int delivered = deframer.accept(wire, 0, n, frame -> { });
        assertEquals(2, delivered);
        assertEquals(1, deframer.stats().crcErrors(), deframer.stats()::toString);
        assertEquals(1, deframer.stats().malformedFrames(), deframer.stats()::toString);
        return deframer;
    }
}
