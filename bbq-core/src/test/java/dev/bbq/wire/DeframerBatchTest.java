package dev.bbq.wire;

import static dev.bbq.wire.DeframerTest.assertSameFrames;
import static dev.bbq.wire.DeframerTest.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.QueueStats;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The deframer publishes the frames of one raw read together, as one batch, into a framed queue. */
class DeframerBatchTest {
    private static final FrameCheck CHECK = FrameCheck.CRC16_CCITT_FALSE;

    /** A raw queue and a framed queue, and their halves: the deframer's input and output. */
    private static final class Pipe {
        final BBQueue framed;
        final Producer producer;
        final Consumer in;
        final FrameProducer out;
        final FrameConsumer frames;

        Pipe(int rawCapacity, int framedCapacity) {
            BBQueue raw = BBQueue.allocate(rawCapacity);
            framed = BBQueue.allocate(framedCapacity);
            producer = raw.producer();
            in = raw.consumer();
            out = framed.frameProducer();
            frames = framed.frameConsumer();
        }
    }

    private static byte[][] payloads(int count, int length, int seed) {
        byte[][] payloads = new byte[count][];
        for (int i = 0; i < count; i++) {
            payloads[i] = new byte[length];
            Arrays.fill(payloads[i], (byte) (seed + i + 1));
        }
        return payloads;
    }

    private static void rawWrite(Producer producer, byte[] bytes, int off, int len) {
        var grant = producer.tryGrantExact(len);
        assertTrue(grant != null, "room in the raw queue");
        grant.buffer().put(bytes, off, len);
        grant.commit(len);
    }

    private static List<byte[]> readAll(FrameConsumer frames) {
        DeframerTest.Collector collector = new DeframerTest.Collector();
        frames.drain(collector, Integer.MAX_VALUE);
        return collector.frames;
    }

    @Test
    void theFramesOfOneRawReadBecomeVisibleTogether() throws Exception {
        int perChunk = 8;
        int chunks = 3000;
        byte[] chunk = wire(CHECK, payloads(perChunk, 12, 0));
        Pipe pipe = new Pipe(1 << 16, 1 << 16);
        Deframer deframer = new Deframer(64, CHECK);

        // A second thread samples the framed queue's commit count while the deframer runs: with
        // one publication per raw read it only ever sees whole chunks, never a chunk in part.
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong partial = new AtomicLong(-1);
        AtomicLong samples = new AtomicLong();
        Thread observer = new Thread(() -> {
            long last = -1;
            do {
                long committed = pipe.framed.stats().framesCommitted();
                if (committed != last) {
                    samples.incrementAndGet();
                    last = committed;
                    if (committed % perChunk != 0) {
                        partial.compareAndSet(-1, committed);
                    }
                }
            } while (!done.get());
        });
        observer.start();
        try {
            for (int c = 0; c < chunks; c++) {
                rawWrite(pipe.producer, chunk, 0, chunk.length);
                assertEquals(perChunk, deframer.tryDeframe(pipe.in, pipe.out));
                if (c % 100 == 99) {
                    assertEquals(100 * perChunk, readAll(pipe.frames).size());
                }
            }
        } finally {
            done.set(true);
            observer.join(10_000);
        }
        assertEquals(-1, partial.get(), "the observer saw part of a chunk's frames committed");
        assertTrue(samples.get() > 0, "the observer saw commits");
        assertEquals((long) chunks * perChunk, pipe.framed.stats().framesCommitted());
        assertEquals((long) chunks * perChunk, deframer.stats().framesDelivered());
    }

    @Test
    void aFrameSplitAcrossTwoReadsIsPublishedWithTheSecondReadsFrames() throws Exception {
        byte[][] payloads = payloads(4, 30, 10);
        byte[] stream = wire(CHECK, payloads);
        int cut = wire(CHECK, payloads[0], payloads[1]).length + 10; // ten bytes into the third frame
        Pipe pipe = new Pipe(1024, 1024);
        Deframer deframer = new Deframer(64, CHECK);

        rawWrite(pipe.producer, stream, 0, cut);
        assertEquals(2, deframer.tryDeframe(pipe.in, pipe.out));
        assertEquals(2, pipe.framed.stats().framesCommitted(), "the first read's whole frames, not the cut one");
        assertSameFrames(List.of(payloads[0], payloads[1]), readAll(pipe.frames));

        rawWrite(pipe.producer, stream, cut, stream.length - cut);
        assertEquals(2, deframer.tryDeframe(pipe.in, pipe.out));
        assertSameFrames(List.of(payloads[2], payloads[3]), readAll(pipe.frames));
        DeframerStats stats = deframer.stats();
        assertEquals(4, stats.framesDelivered());
        assertEquals(4 * 30, stats.bytesDelivered());
        assertEquals(stream.length, stats.bytesRead());
        assertEquals(0, stats.errors());
    }

    @Test
    void underOverloadTheFramesThatFitArePublishedInOrderAndTheRestAreDroppedAndCounted() throws Exception {
        byte[][] payloads = payloads(10, 20, 0);
        byte[] stream = wire(CHECK, payloads);
        Pipe pipe = new Pipe(1024, 64); // room for two 21-byte frames, maybe three
        Deframer deframer = new Deframer(20, CHECK, true);

        rawWrite(pipe.producer, stream, 0, stream.length);
        int written = deframer.tryDeframe(pipe.in, pipe.out);

        DeframerStats stats = deframer.stats();
        QueueStats queue = pipe.framed.stats();
        assertTrue(written >= 2 && written < 10, "written " + written);
        assertEquals(written, stats.framesDelivered());
        assertEquals(written * 20L, stats.bytesDelivered());
        assertEquals(10 - written, stats.framesDropped());
        assertEquals(written, queue.framesCommitted(), "delivered means published");
        assertEquals(stats.framesDropped(), queue.framesDropped(), "the queue counts the same drops");
        assertEquals(0, pipe.in.available(), "the raw bytes were all released");
        assertSameFrames(Arrays.asList(payloads).subList(0, written), readAll(pipe.frames));

        // Once the consumer has caught up, the next read's frames all get through.
        byte[][] more = payloads(2, 20, 50);
        byte[] next = wire(CHECK, more);
        rawWrite(pipe.producer, next, 0, next.length);
        assertEquals(2, deframer.tryDeframe(pipe.in, pipe.out));
        assertSameFrames(List.of(more), readAll(pipe.frames));
        assertEquals(written + 2, deframer.stats().framesDelivered());
        assertEquals(10 - written, deframer.stats().framesDropped());
    }

    @Test
    void aReadWithMoreFramesThanTheRingHoldsWaitsForRoomAndLosesNothing() throws Exception {
        byte[][] payloads = payloads(40, 50, 0);
        byte[] stream = wire(CHECK, payloads);
        Pipe pipe = new Pipe(4096, 256); // four or five frames at a time, wrapping often
        Deframer deframer = new Deframer(50, CHECK);
        rawWrite(pipe.producer, stream, 0, stream.length);
        pipe.producer.close();

        Thread deframing = DeframerTest.startDeframing(deframer, pipe.in, pipe.out);
        List<byte[]> received = DeframerTest.drainUntilClosed(pipe.frames, 3);
        deframing.join(10_000);
        assertFalse(deframing.isAlive());

        assertSameFrames(List.of(payloads), received);
        assertEquals(40, deframer.stats().framesDelivered());
        assertEquals(0, deframer.stats().framesDropped());
        assertEquals(40, pipe.framed.stats().framesCommitted());
    }
}
