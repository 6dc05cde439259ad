package dev.bbq;

import static dev.bbq.Bytes.readFrame;
import static dev.bbq.Bytes.remaining;
import static dev.bbq.Bytes.seeded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A window: consecutive frames handed over and kept in the queue until released together. */
class FrameWindowTest {
    private static void write(FrameProducer producer, byte[] frame) {
        assertTrue(producer.tryWrite(frame, 0, frame.length), "room for " + frame.length + " bytes");
    }

    /** Reads a window into a list of copies. */
    private static List<byte[]> read(FrameWindow window, FrameConsumer consumer, int maxFrames, int maxBytes) {
        List<byte[]> got = new ArrayList<>();
        window.read(consumer, buf -> got.add(remaining(buf)), maxFrames, maxBytes);
        return got;
    }

    @Test
    void theFramesStayInTheQueueUntilTheWindowReleasesThemAllAtOnce() {
        BBQueue queue = BBQueue.allocate(1024);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        for (int i = 0; i < 5; i++) {
            write(producer, seeded(i, 10 + i));
        }
        FrameWindow window = new FrameWindow();
        List<byte[]> got = read(window, consumer, 3, 1 << 20);
        assertEquals(3, got.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(seeded(i, 10 + i), got.get(i), "frame " + i + ", in order");
        }
        assertTrue(window.isOpen());
        assertEquals(3, window.frames());
        assertEquals(10 + 11 + 12, window.bytes());
        assertEquals(0, queue.stats().framesReleased(), "nothing released before release()");
        assertThrows(IllegalStateException.class, consumer::tryRead, "the window is the consumer's open read");

        window.release();
        assertFalse(window.isOpen());
        assertEquals(3, queue.stats().framesReleased(), "three frames released by one release");
        assertEquals(3 * 1 + 10 + 11 + 12, queue.stats().bytesReleased(), "headers included");
        assertArrayEquals(seeded(3, 13), readFrame(consumer), "the next read goes on after the window");
        assertThrows(IllegalStateException.class, window::release, "a window releases once");
    }

    @Test
    void closingLeavesTheFramesForTheNextRead() {
        BBQueue queue = BBQueue.allocate(1024);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        for (int i = 0; i < 4; i++) {
            write(producer, seeded(i, 20));
        }
        FrameWindow window = new FrameWindow();
        List<byte[]> first = read(window, consumer, 4, 1 << 20);
        window.close();
        assertFalse(window.isOpen());
        List<byte[]> again = read(window, consumer, 4, 1 << 20);
        assertEquals(4, again.size());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(first.get(i), again.get(i), "the same frames again");
        }
        window.release();
        assertNull(consumer.tryRead());
    }

    @Test
    void maxBytesBoundsTheWindowButTheFirstFrameAlwaysGoes() {
        BBQueue queue = BBQueue.allocate(4096);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        write(producer, seeded(0, 500));
        write(producer, seeded(1, 40));
        write(producer, seeded(2, 40));
        write(producer, seeded(3, 40));
        FrameWindow window = new FrameWindow();
        assertEquals(1, read(window, consumer, 10, 100).size(), "a frame longer than maxBytes alone");
        window.release();
        assertEquals(2, read(window, consumer, 10, 100).size(), "40 + 40 <= 100 < 40 + 40 + 40");
        window.release();
        assertEquals(1, read(window, consumer, 10, 100).size());
        window.release();
        assertEquals(0, read(window, consumer, 10, 100).size(), "nothing there: nothing held");
        assertFalse(window.isOpen());
        assertThrows(IllegalStateException.class, window::release);
    }

    @Test
    void aWindowGoesOnAcrossTheWatermarkAndReleasesIntoTheLowerRegion() {
        BBQueue queue = BBQueue.allocate(256);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        for (int i = 0; i < 4; i++) {
            write(producer, seeded(i, 49)); // 50 bytes each with the header: [0, 200)
        }
        assertArrayEquals(seeded(0, 49), readFrame(consumer));
        assertArrayEquals(seeded(1, 49), readFrame(consumer)); // read = 100
        write(producer, seeded(4, 79)); // does not fit [200, 256): wraps to [0, 80), watermark 200
        FrameWindow window = new FrameWindow();
        List<byte[]> got = read(window, consumer, 10, 1 << 20);
        assertEquals(3, got.size(), "two frames of the upper region and the one at 0");
        assertArrayEquals(seeded(2, 49), got.get(0));
        assertArrayEquals(seeded(3, 49), got.get(1));
        assertArrayEquals(seeded(4, 79), got.get(2));
        assertFalse(producer.tryWrite(seeded(5, 100), 0, 100), "the held frames keep their room");
        window.release();
        assertEquals(5, queue.stats().framesReleased());
        assertEquals(0, queue.stats().bytesInUse(), "the ring is empty");
        write(producer, seeded(5, 100));
        assertArrayEquals(seeded(5, 100), readFrame(consumer));
    }

    @Test
    void aHandlerThatThrowsLeavesItsFrameHeldWithThoseBeforeIt() {
        BBQueue queue = BBQueue.allocate(1024);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        for (int i = 0; i < 3; i++) {
            write(producer, seeded(i, 8));
        }
        FrameWindow window = new FrameWindow();
        int[] calls = {0};
        assertThrows(ArithmeticException.class, () -> window.read(consumer, buf -> {
            if (++calls[0] == 2) {
                throw new ArithmeticException("bad frame");
            }
        }, 10, 1 << 20));
        assertTrue(window.isOpen());
        assertEquals(2, window.frames());
        window.release();
        assertArrayEquals(seeded(2, 8), readFrame(consumer), "the third frame was never handed over");
    }

    @Test
    void badArgumentsAndAClosedConsumerAreClearErrors() throws InterruptedException {
        BBQueue queue = BBQueue.allocate(1024);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        FrameWindow window = new FrameWindow();
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> window.read(consumer, buf -> { }, 0, 10));
        assertEquals("a window of 0 frames and 10 bytes: both must be at least 1", bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> window.read(consumer, buf -> { }, 1, 0));
        assertEquals(0, window.read(consumer, buf -> { }, 1, 10, 1, TimeUnit.MILLISECONDS), "timed out");

        write(producer, seeded(0, 8));
        assertEquals(1, window.read(consumer, buf -> { }, 1, 10));
        assertThrows(IllegalStateException.class, () -> window.read(consumer, buf -> { }, 1, 10),
                "still holding");
        consumer.close();
        assertFalse(window.isOpen(), "the consumer's close drops the window");
        assertThrows(IllegalStateException.class, window::release);
        assertThrows(QueueClosedException.class, () -> new FrameWindow().read(consumer, buf -> { }, 1, 10));
    }

    @Test
    void twoThreadsEveryFrameInOrderThroughWindowsOfEverySizeWithManyWraps() throws Exception {
        BBQueue queue = BBQueue.allocate(2048);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        int frames = 200_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                ByteBuffer b = ByteBuffer.allocate(300);
                for (int seq = 0; seq < frames; seq++) {
                    int length = 4 + seq % 250;
                    b.clear();
                    b.putInt(seq);
                    for (int i = 4; i < length; i++) {
                        b.put((byte) (seq + i));
                    }
                    assertTrue(producer.write(b.array(), 0, length, 30, TimeUnit.SECONDS), "room within 30 s");
                }
                producer.close();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "producer");
        writer.start();

        Random random = new Random(7);
        FrameWindow window = new FrameWindow();
        int[] next = {0};
        int[] inWindow = {0};
        while (next[0] < frames) {
            int first = next[0];
            inWindow[0] = 0;
            int n = window.read(consumer, buf -> {
                int seq = buf.getInt(buf.position());
                assertEquals(first + inWindow[0], seq, "in order, none skipped");
                assertEquals(4 + seq % 250, buf.remaining(), "frame " + seq + " length");
                for (int i = 4; i < buf.remaining(); i++) {
                    assertEquals((byte) (seq + i), buf.get(buf.position() + i), "frame " + seq + " intact");
                }
                inWindow[0]++;
            }, 1 + random.nextInt(20), 1 + random.nextInt(1500), 10, TimeUnit.SECONDS);
            assertTrue(n > 0 || failure.get() != null, "a frame within 10 s");
            if (failure.get() != null) {
                break;
            }
            if (random.nextInt(8) == 0) {
                window.close(); // handed over again by the next read
            } else {
                window.release();
                next[0] += n;
            }
        }
        writer.join(30_000);
        if (failure.get() != null) {
            throw new AssertionError("producer failed", failure.get());
        }
        assertEquals(frames, next[0]);
        assertEquals(0, window.read(consumer, buf -> { }, 1, 1, 1, TimeUnit.SECONDS));
        assertTrue(consumer.isClosed(), "end of stream after the last window");
    }
}
