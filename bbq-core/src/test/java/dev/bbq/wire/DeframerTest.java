package dev.bbq.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeframerTest {

    /** Collects payloads handed over by a deframer. */
    static final class Collector implements dev.bbq.FrameHandler {
        final List<byte[]> frames = new ArrayList<>();

        @Override
        public void onFrame(ByteBuffer frame) {
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            frames.add(b);
        }
    }

    static byte[] wire(FrameCheck check, byte[]... payloads) {
        FrameEncoder encoder = new FrameEncoder(check);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : payloads) {
            byte[] frame = new byte[encoder.maxEncodedLength(p.length)];
            int n = encoder.encode(p, 0, p.length, frame, 0);
            out.write(frame, 0, n);
        }
        return out.toByteArray();
    }

    /** Starts a thread that deframes {@code in} into {@code out} until the raw stream ends, then closes {@code out}. */
    static Thread startDeframing(Deframer deframer, Consumer in, FrameProducer out) {
        Thread deframing = new Thread(() -> {
            try (out) {
                deframer.run(in, out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        deframing.start();
        return deframing;
    }

    /** Drains {@code frames}, at most {@code max} at a time, until their stream ends; returns them all. */
    static List<byte[]> drainUntilClosed(FrameConsumer frames, int max) throws InterruptedException {
        Collector collector = new Collector();
        while (!frames.isClosed()) {
            frames.drain(collector, max, 10, TimeUnit.SECONDS);
        }
        return collector.frames;
    }

    static List<byte[]> randomPayloads(Random random, int count, int maxLength) {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] p = new byte[random.nextInt(maxLength + 1)];
            random.nextBytes(p);
            if (random.nextInt(4) == 0) {
                Arrays.fill(p, (byte) 0); // runs of zeros are COBS's worst case for code bytes
            }
            payloads.add(p);
        }
        return payloads;
    }

    static void assertSameFrames(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "frame count");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "frame " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(FrameCheck.class)
    void roundTripsRandomFramesFedInRandomPieces(FrameCheck check) {
        Random random = new Random(check.ordinal());
        List<byte[]> payloads = randomPayloads(random, 500, 700);
        byte[] stream = wire(check, payloads.toArray(new byte[0][]));
        Deframer deframer = new Deframer(700, check);
        Collector collector = new Collector();
        int delivered = 0;
        for (int at = 0; at < stream.length; ) {
            int n = Math.min(stream.length - at, 1 + random.nextInt(300));
            delivered += deframer.accept(stream, at, n, collector);
            at += n;
        }
        assertEquals(payloads.size(), delivered);
        assertSameFrames(payloads, collector.frames);
        DeframerStats stats = deframer.stats();
        assertEquals(0, stats.errors());
        assertEquals(stream.length, stats.bytesRead());
        assertEquals(payloads.stream().mapToLong(p -> p.length).sum(), stats.bytesDelivered());
    }

    @Test
    void deliversEveryFrameLengthAroundTheBlockBoundaryIntact() {
        List<byte[]> payloads = new ArrayList<>();
        Random random = new Random(254);
        for (int length = 240; length <= 530; length++) {
            byte[] p = new byte[length];
            for (int i = 0; i < length; i++) {
                p[i] = (byte) (1 + random.nextInt(255)); // no zeros: the 254-byte blocks are all full
            }
            payloads.add(p);
            byte[] q = p.clone();
            q[length / 2] = 0;
            payloads.add(q);
        }
        for (FrameCheck check : FrameCheck.values()) {
            Deframer deframer = new Deframer(530, check);
            Collector collector = new Collector();
            byte[] stream = wire(check, payloads.toArray(new byte[0][]));
            deframer.accept(stream, 0, stream.length, collector);
            assertSameFrames(payloads, collector.frames);
            assertEquals(0, deframer.stats().errors(), check.toString());
        }
    }

    @Test
    void aCorruptedByteCostsOnlyItsOwnFrameAndCountsACrcError() {
        byte[][] payloads = {"first".getBytes(), "second frame".getBytes(), "third".getBytes()};
        byte[] stream = wire(FrameCheck.CRC16_CCITT_FALSE, payloads);
        int secondStart = wire(FrameCheck.CRC16_CCITT_FALSE, payloads[0]).length;
        stream[secondStart + 4] ^= 0x10; // a data byte of the second frame, still non-zero

        Deframer deframer = new Deframer(64, FrameCheck.CRC16_CCITT_FALSE);
        Collector collector = new Collector();
        deframer.accept(stream, 0, stream.length, collector);

        assertSameFrames(List.of(payloads[0], payloads[2]), collector.frames);
        DeframerStats stats = deframer.stats();
        assertEquals(1, stats.crcErrors());
        assertEquals(1, stats.errors());
        assertEquals(wire(FrameCheck.CRC16_CCITT_FALSE, payloads[1]).length - 1, stats.bytesDiscarded());
    }

    @Test
    void aFrameCutShortByADelimiterIsCountedMalformedAndTheNextSurvives() {
        byte[] payload = new byte[40];
        Arrays.fill(payload, (byte) 7); // one block: code 43, so any cut leaves the block incomplete
        byte[] whole = wire(FrameCheck.CRC32C, payload);
        byte[] cut = Arrays.copyOf(whole, 20);
        cut[19] = 0; // the sender stopped mid-frame and the line carried on with a delimiter
        byte[] next = wire(FrameCheck.CRC32C, "next".getBytes());
        byte[] stream = new byte[cut.length + next.length];
        System.arraycopy(cut, 0, stream, 0, cut.length);
        System.arraycopy(next, 0, stream, cut.length, next.length);

        Deframer deframer = new Deframer(64, FrameCheck.CRC32C);
        Collector collector = new Collector();
        deframer.accept(stream, 0, stream.length, collector);

        assertSameFrames(List.of("next".getBytes()), collector.frames);
        assertEquals(1, deframer.stats().malformedFrames());
        assertEquals(1, deframer.stats().errors());
    }

    @Test
    void garbageBetweenFramesIsSkippedAtTheNextDelimiter() {
        Random random = new Random(42);
        List<byte[]> payloads = randomPayloads(random, 50, 100);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int garbageRuns = 0;
        for (byte[] p : payloads) {
            if (random.nextBoolean()) {
                byte[] garbage = new byte[1 + random.nextInt(50)];
                for (int i = 0; i < garbage.length; i++) {
                    garbage[i] = (byte) (1 + random.nextInt(255));
                }
                stream.write(garbage, 0, garbage.length);
                stream.write(0);
                garbageRuns++;
            }
            byte[] w = wire(FrameCheck.CRC32C, p);
            stream.write(w, 0, w.length);
        }
        byte[] bytes = stream.toByteArray();
        Deframer deframer = new Deframer(100, FrameCheck.CRC32C);
        Collector collector = new Collector();
        deframer.accept(bytes, 0, bytes.length, collector);

        assertSameFrames(payloads, collector.frames);
        assertEquals(garbageRuns, deframer.stats().errors());
    }

    @Test
    void anOversizeFrameIsCountedAndSkippedWithoutTouchingItsNeighbours() {
        byte[] small = "small".getBytes();
        byte[] big = new byte[300];
        Arrays.fill(big, (byte) 'x');
        byte[] stream = wire(FrameCheck.CRC16_CCITT_FALSE, small, big, small);
        Deframer deframer = new Deframer(100, FrameCheck.CRC16_CCITT_FALSE);
        Collector collector = new Collector();
        deframer.accept(stream, 0, stream.length, collector);

        assertSameFrames(List.of(small, small), collector.frames);
        assertEquals(1, deframer.stats().oversizeFrames());
        assertEquals(1, deframer.stats().errors());
    }

    @Test
    void aFrameOfExactlyTheMaximumLengthIsAccepted() {
        byte[] max = new byte[100];
        new Random(1).nextBytes(max);
        byte[] stream = wire(FrameCheck.CRC32C, max);
        Collector collector = new Collector();
        new Deframer(100, FrameCheck.CRC32C).accept(stream, 0, stream.length, collector);
        assertSameFrames(List.of(max), collector.frames);
    }

    @Test
    void framesShorterThanTheCheckAreMalformedAndIdleDelimitersAreIgnored() {
        byte[] stream = {0, 0, 0x02, 0x11, 0, 0, 0};
        Deframer deframer = new Deframer(10, FrameCheck.CRC32C);
        Collector collector = new Collector();
        deframer.accept(stream, 0, stream.length, collector);
        assertTrue(collector.frames.isEmpty());
        assertEquals(1, deframer.stats().malformedFrames());
        assertEquals(1, deframer.stats().errors());
    }

    @Test
    void anEmptyPayloadIsAFrameToo() {
        byte[] stream = wire(FrameCheck.CRC16_CCITT_FALSE, new byte[0], new byte[0]);
        Collector collector = new Collector();
        assertEquals(2, new Deframer(0, FrameCheck.CRC16_CCITT_FALSE).accept(stream, 0, stream.length, collector));
        assertEquals(0, collector.frames.get(0).length);
    }

    @Test
    void aFrameCutOffByTheEndOfTheStreamIsCountedMalformed() {
        byte[] stream = wire(FrameCheck.CRC16_CCITT_FALSE, "complete".getBytes(), "cut".getBytes());
        Deframer deframer = new Deframer(64, FrameCheck.CRC16_CCITT_FALSE);
        Collector collector = new Collector();
        deframer.accept(stream, 0, stream.length - 2, collector);
        deframer.endOfStream();
        assertSameFrames(List.of("complete".getBytes()), collector.frames);
        assertEquals(1, deframer.stats().malformedFrames());
    }

    @Test
    void acceptFromABufferAdvancesItsPosition() {
        byte[] stream = wire(FrameCheck.NONE, "a".getBytes(), "bc".getBytes());
        ByteBuffer direct = ByteBuffer.allocateDirect(stream.length).put(stream).flip();
        Collector collector = new Collector();
        assertEquals(2, new Deframer(8, FrameCheck.NONE).accept(direct, collector));
        assertEquals(stream.length, direct.position());
        assertSameFrames(List.of("a".getBytes(), "bc".getBytes()), collector.frames);
    }

    @Test
    void aThrowingHandlerConsumesItsFrameAndTheNextCallContinuesAfterIt() {
        byte[] stream = wire(FrameCheck.CRC16_CCITT_FALSE, "one".getBytes(), "two".getBytes(), "three".getBytes());
        Deframer deframer = new Deframer(8, FrameCheck.CRC16_CCITT_FALSE);
        BBQueue raw = BBQueue.allocate(256);
        Producer producer = raw.producer();
        Consumer consumer = raw.consumer();
        assertTrue(rawWrite(producer, stream));
        Collector collector = new Collector();
        assertThrows(IllegalStateException.class, () -> deframer.tryDeframe(consumer, frame -> {
            if (frame.remaining() == 3 && frame.get(frame.position()) == 't') {
                throw new IllegalStateException("handler refuses 'two'");
            }
            collector.onFrame(frame);
        }));
        assertEquals(1, collector.frames.size());
        deframer.tryDeframe(consumer, collector);
        assertSameFrames(List.of("one".getBytes(), "three".getBytes()), collector.frames);
        assertEquals(0, consumer.available());
    }

    private static boolean rawWrite(Producer producer, byte[] bytes) {
        var grant = producer.tryGrantExact(bytes.length);
        if (grant == null) {
            return false;
        }
        grant.buffer().put(bytes);
        grant.commit(bytes.length);
        return true;
    }

    /**
     * Raw queue to framed queue across two threads, with a ring small enough that frames keep
     * spanning the wrap point and the producer commits in random pieces.
     */
    @ParameterizedTest
    @EnumSource(value = FrameCheck.class, names = {"CRC16_CCITT_FALSE", "CRC32C"})
    void movesFramesFromARawQueueIntoAFramedQueueAcrossTheWrapPoint(FrameCheck check) throws Exception {
        for (boolean direct : new boolean[] {false, true}) {
            Random random = new Random(7);
            List<byte[]> payloads = randomPayloads(random, 2000, 200);
            byte[] stream = wire(check, payloads.toArray(new byte[0][]));
            BBQueue raw = direct ? BBQueue.allocateDirect(509) : BBQueue.allocate(509);
            BBQueue framed = BBQueue.allocate(1024);
            Producer producer = raw.producer();
            Consumer consumer = raw.consumer();
            FrameProducer frameProducer = framed.frameProducer();
            FrameConsumer frameConsumer = framed.frameConsumer();
            Deframer deframer = new Deframer(200, check);

            Thread device = new Thread(() -> {
                Random pieces = new Random(11);
                try (producer) {
                    for (int at = 0; at < stream.length; ) {
                        var grant = producer.grantMax(1 + pieces.nextInt(100), 10, TimeUnit.SECONDS);
                        ByteBuffer b = grant.buffer();
                        int n = Math.min(b.remaining(), stream.length - at);
                        b.put(stream, at, n);
                        grant.commit(n);
                        at += n;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            device.start();
            Thread deframing = startDeframing(deframer, consumer, frameProducer);
            List<byte[]> received = drainUntilClosed(frameConsumer, 64);
            device.join(10_000);
            deframing.join(10_000);
            assertFalse(device.isAlive() || deframing.isAlive());
            assertSameFrames(payloads, received);
            assertEquals(0, deframer.stats().errors());
            assertEquals(stream.length, deframer.stats().bytesRead());
            assertEquals(payloads.size(), framed.stats().framesCommitted());
        }
    }

    @Test
    void dropsAndCountsFramesThatFindTheFramedQueueFullWhenAskedTo() throws Exception {
        byte[][] payloads = new byte[10][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = new byte[20];
            Arrays.fill(payloads[i], (byte) (i + 1));
        }
        byte[] stream = wire(FrameCheck.CRC16_CCITT_FALSE, payloads);
        BBQueue raw = BBQueue.allocate(1024);
        BBQueue framed = BBQueue.allocate(64); // room for two 21-byte frames at most
        Producer producer = raw.producer();
        Consumer consumer = raw.consumer();
        FrameProducer out = framed.frameProducer();
        assertTrue(rawWrite(producer, stream));

        Deframer deframer = new Deframer(20, FrameCheck.CRC16_CCITT_FALSE, true);
        int written = deframer.tryDeframe(consumer, out);

        DeframerStats stats = deframer.stats();
        assertTrue(written >= 2 && written < 10, "written " + written);
        assertEquals(10, stats.framesDelivered() + stats.framesDropped());
        assertEquals(written, stats.framesDelivered());
        assertEquals(stats.framesDropped(), framed.stats().framesDropped());
        assertEquals(0, consumer.available(), "the raw bytes were all released");
    }

    @Test
    void refusesAFramedQueueTooSmallForTheMaximumFrame() {
        FrameProducer out = BBQueue.allocate(64).frameProducer();
        Consumer in = BBQueue.allocate(64).consumer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Deframer(100, FrameCheck.NONE).tryDeframe(in, out));
        assertTrue(e.getMessage().contains("63"), e.getMessage());
    }

    @Test
    void neverStallsOnRandomBytes() throws Exception {
        Random random = new Random(99);
        byte[] noise = new byte[1 << 20];
        random.nextBytes(noise);
        BBQueue raw = BBQueue.allocate(4096);
        Producer producer = raw.producer();
        Consumer consumer = raw.consumer();
        Deframer deframer = new Deframer(64, FrameCheck.CRC16_CCITT_FALSE);
        Thread device = new Thread(() -> {
            try (producer) {
                for (int at = 0; at < noise.length; ) {
                    var grant = producer.grantMax(1000, 10, TimeUnit.SECONDS);
                    int n = Math.min(grant.length(), noise.length - at);
                    grant.buffer().put(noise, at, n);
                    grant.commit(n);
                    at += n;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        device.start();
        long[] lengths = new long[1];
        deframer.run(consumer, frame -> lengths[0] = Math.max(lengths[0], frame.remaining()));
        device.join(10_000);
        assertFalse(device.isAlive());
        DeframerStats stats = deframer.stats();
        assertEquals(noise.length, stats.bytesRead(), "every byte was consumed");
        assertTrue(consumer.isClosed());
        assertTrue(lengths[0] <= 64);
        long runs = 0;
        boolean inRun = false;
        for (byte b : noise) {
            if (b == 0) {
                runs += inRun ? 1 : 0;
                inRun = false;
            } else {
                inRun = true;
            }
        }
        runs += inRun ? 1 : 0; // the last run is cut off by the end of the stream
        assertEquals(runs, stats.framesDelivered() + stats.errors(), "every delimited run is accounted for");
    }
}
