package dev.bbq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-release jar's form of the ring's payload copies: the JDK running this suite loads the one
 * it should, and that one moves the right bytes of heap, direct and mapped rings.
 *
 * <p>bbq-core's suite runs three times: on the JDK that runs Maven over {@code target/classes} (a
 * directory has no versioned classes, so the base form), then on JDK 11 and on the newest JDK over the
 * packaged jar (those runs set {@code bbq.test.multiReleaseJar}). Built with
 * {@code -P java22-memory-segments}, the jar holds a {@code META-INF/versions/22} class, which the newest
 * JDK must then run, and every other test of that run goes through it; the default jar has none.
 */
class RingAccessTest {
    private static final int FEATURE = Runtime.version().feature();

    @Test
    void aJarWithTheVersionedClassGivesJava22AndNewerTheMemorySegmentFormAndEveryOtherCaseTheByteBufferForm() {
        URL where = RingAccess.class.getResource("RingAccess.class");
        boolean fromJar = where.getProtocol().equals("jar");
        System.out.println("RingAccess on JDK " + FEATURE + ": " + RingAccess.form() + " form, from " + where);
        if (Boolean.getBoolean("bbq.test.multiReleaseJar")) {
            assertTrue(fromJar, "this run is meant to test the packaged jar, but loaded " + where);
        }
        // Only a jar built with -P java22-memory-segments holds the versioned class.
        boolean versioned = RingAccess.class.getClassLoader()
                .getResource("META-INF/versions/22/dev/bbq/RingAccess.class") != null;
        if (Boolean.getBoolean("bbq.test.memorySegments")) {
            assertTrue(versioned, "the java22-memory-segments build must put the Java 22 class into the jar");
        }
        String expected = fromJar && versioned && FEATURE >= 22 ? "MemorySegment" : "ByteBuffer";
        assertEquals(expected, RingAccess.form(), "loaded from " + where);
        if (expected.equals("MemorySegment")) {
            assertTrue(where.toString().endsWith("!/META-INF/versions/22/dev/bbq/RingAccess.class"), where.toString());
        }
    }

    @Test
    void copiesUseRingOffsetsWhateverTheBuffersPositionAndWhereItsMemoryStarts(@TempDir Path dir)
            throws IOException {
        for (ByteBuffer data : rings(dir)) {
            for (int i = 0; i < 128; i++) {
                data.put(i, (byte) i);
            }
            data.position(17); // the ring addresses its buffer absolutely; so must the segment
            Object segment = RingAccess.segment(data);
            assertEquals(RingAccess.form().equals("MemorySegment"), segment != null);
            ByteBuffer view = data.duplicate();
            byte[] got = new byte[8];
            RingAccess.get(data, view, segment, 120, got, 1, 6);
            assertArrayEquals(new byte[] {0, 120, 121, 122, 123, 124, 125, 0}, got);
            RingAccess.get(data, view, segment, 0, got, 0, 2);
            assertEquals(0, got[0]);
            assertEquals(1, got[1]);

            RingAccess.put(data, view, segment, 126, new byte[] {9, 8, 7, 6}, 1, 2);
            RingAccess.put(data, view, segment, 0, new byte[] {5}, 0, 1);
            assertEquals(8, data.get(126));
            assertEquals(7, data.get(127));
            assertEquals(5, data.get(0));
            assertEquals(2, data.get(2));
            assertEquals(17, data.position(), "the shared buffer's position is never moved");
            assertEquals(128, data.limit());
        }
    }

    @Test
    void framesCrossEveryKindOfRingIntact(@TempDir Path dir) throws IOException {
        byte[] message = new byte[200];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) (i * 7);
        }
        BBQueue[] queues = {BBQueue.allocate(1024), BBQueue.allocateDirect(1024),
            BBQueue.createMapped(dir.resolve("q"), 1024)};
        for (BBQueue queue : queues) {
            FrameProducer producer = queue.frameProducer();
            FrameConsumer consumer = queue.frameConsumer();
            for (int round = 0; round < 20; round++) { // 20 x 202 bytes: wraps the 1 KiB ring several times
                message[0] = (byte) round;
                assertTrue(producer.tryWrite(message, 0, message.length));
                Frame frame = consumer.tryRead();
                byte[] got = new byte[frame.length()];
                frame.buffer().get(got);
                frame.release();
                assertArrayEquals(message, got);
            }
        }
    }

    /** A heap ring, a direct ring, a direct ring cut out of a larger buffer, and a mapped one. */
    private static ByteBuffer[] rings(Path dir) throws IOException {
        ByteBuffer inLarger = ByteBuffer.allocateDirect(256).position(64).slice();
        inLarger.limit(128);
        ByteBuffer mapped;
        Path file = dir.resolve("ring");
        Files.write(file, new byte[4096 + 128]);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            mapped = channel.map(java.nio.channels.FileChannel.MapMode.READ_WRITE, 0, 4096 + 128)
                    .position(4096).slice();
        }
        return new ByteBuffer[] {ByteBuffer.allocate(128), ByteBuffer.allocateDirect(128), inLarger.slice(), mapped};
    }
}
