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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The deframer publishes the frames of one raw read together, as one batch, into a framed queue. */
class DeframerBatchTest {
    private static final FrameCheck CHECK = FrameCheck.CRC16_CCITT_FALSE;

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
        BBQueue raw = BBQueue.allocate(1 << 16);
        BBQueue framed = BBQueue.allocate(1 << 16);
        Producer producer = raw.producer();
        Consumer in = raw.consumer();
        FrameProducer out = framed.frameProducer();
        FrameConsumer frames = framed.frameConsumer();
        Deframer deframer = new Deframer(64, CHECK);

        // A second thread samples the framed queue's commit count while the deframer runs: with
        // one publication per raw read it only ever sees whole chunks, never a chunk in part.
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong partial = new AtomicLong(-1);
        AtomicLong samples = new AtomicLong();
        Thread observer = new Thread(() -> {
            long last = -1;
            do {
                long committed = framed.stats().framesCommitted();
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
                rawWrite(producer, chunk, 0, chunk.length);
                assertEquals(perChunk, deframer.tryDeframe(in, out));
                if (c % 100 == 99) {
                    assertEquals(100 * perChunk, readAll(frames).size());
                }
            }
        } finally {
            done.set(true);
            observer.join(10_000);
        }
        assertEquals(-1, partial.get(), "the observer saw part of a chunk's frames committed");
        assertTrue(samples.get() > 0, "the observer saw commits");
        assertEquals((long) chunks * perChunk, framed.stats().framesCommitted());
        assertEquals((long) chunks * perChunk, deframer.stats().framesDelivered());
    }

    @Test
    void aFrameSplitAcrossTwoReadsIsPublishedWithTheSecondReadsFrames() throws Exception {
        byte[][] payloads = payloads(4, 30, 10);
        byte[] stream = wire(CHECK, payloads);
        int cut = wire(CHECK, payloads[0], payloads[1]).length + 10; // ten bytes into the third frame
        BBQueue raw = BBQueue.allocate(1024);
        BBQueue framed = BBQueue.allocate(1024);
        Producer producer = raw.producer();
        Consumer in = raw.consumer();
        FrameProducer out = framed.frameProducer();
        FrameConsumer frames = framed.frameConsumer();
        Deframer deframer = new Deframer(64, CHECK);

        rawWrite(producer, stream, 0, cut);
        assertEquals(2, deframer.tryDeframe(in, out));
        assertEquals(2, framed.stats().framesCommitted(), "the first read's whole frames, not the cut one");
        assertSameFrames(List.of(payloads[0], payloads[1]), readAll(frames));

        rawWrite(producer, stream, cut, stream.length - cut);
        assertEquals(2, deframer.tryDeframe(in, out));
        assertSameFrames(List.of(payloads[2], payloads[3]), readAll(frames));
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
        BBQueue raw = BBQueue.allocate(1024);
        BBQueue framed = BBQueue.allocate(64); // room for two 21-byte frames, maybe three
        Producer producer = raw.producer();
        Consumer in = raw.consumer();
        FrameProducer out = framed.frameProducer();
        FrameConsumer frames = framed.frameConsumer();
        Deframer deframer = new Deframer(20, CHECK, true);

        rawWrite(producer, stream, 0, stream.length);
        int written = deframer.tryDeframe(in, out);

        DeframerStats stats = deframer.stats();
        QueueStats queue = framed.stats();
        assertTrue(written >= 2 && written < 10, "written " + written);
        assertEquals(written, stats.framesDelivered());
        assertEquals(written * 20L, stats.bytesDelivered());
        assertEquals(10 - written, stats.framesDropped());
        assertEquals(written, queue.framesCommitted(), "delivered means published");
        assertEquals(stats.framesDropped(), queue.framesDropped(), "the queue counts the same drops");
        assertEquals(0, in.available(), "the raw bytes were all released");
        assertSameFrames(Arrays.asList(payloads).subList(0, written), readAll(frames));

        // Once the consumer has caught up, the next read's frames all get through.
        byte[][] more = payloads(2, 20, 50);
        byte[] next = wire(CHECK, more);
        rawWrite(producer, next, 0, next.length);
        assertEquals(2, deframer.tryDeframe(in, out));
        assertSameFrames(List.of(more), readAll(frames));
        assertEquals(written + 2, deframer.stats().framesDelivered());
        assertEquals(10 - written, deframer.stats().framesDropped());
    }

    @Test
    void aReadWithMoreFramesThanTheRingHoldsWaitsForRoomAndLosesNothing() throws Exception {
        byte[][] payloads = payloads(40, 50, 0);
        byte[] stream = wire(CHECK, payloads);
        BBQueue raw = BBQueue.allocate(4096);
        BBQueue framed = BBQueue.allocate(256); // four or five frames at a time, wrapping often
        Producer producer = raw.producer();
        Consumer in = raw.consumer();
        FrameProducer out = framed.frameProducer();
        FrameConsumer frames = framed.frameConsumer();
        Deframer deframer = new Deframer(50, CHECK);
        rawWrite(producer, stream, 0, stream.length);
        producer.close();

        Thread deframing = new Thread(() -> {
            try (out) {
                deframer.run(in, out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        deframing.start();
        List<byte[]> received = new ArrayList<>();
        DeframerTest.Collector collector = new DeframerTest.Collector();
        while (!frames.isClosed()) {
            frames.drain(collector, 3, 10, TimeUnit.SECONDS);
        }
        received.addAll(collector.frames);
        deframing.join(10_000);
        assertFalse(deframing.isAlive());

        assertSameFrames(List.of(payloads), received);
        assertEquals(40, deframer.stats().framesDelivered());
        assertEquals(0, deframer.stats().framesDropped());
        assertEquals(40, framed.stats().framesCommitted());
    }
}
