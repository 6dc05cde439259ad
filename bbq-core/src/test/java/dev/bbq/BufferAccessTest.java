package dev.bbq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * The JDK-specific ring access: the running JDK picks the form it really has, and both forms do the
 * same thing. The suite runs on JDK 11 (repositioning forms) and on JDK 17 and the newest JDK
 * (absolute forms), so the form picked here is the one every other test in that run goes through.
 */
class BufferAccessTest {

    private static final int FEATURE = Runtime.version().feature();

    @Test
    void theRunningJdkUsesTheAbsoluteSliceExactlyWhenByteBufferHasIt() throws Exception {
        System.out.println("BufferAccess on JDK " + FEATURE + ": slice "
                + (BufferAccess.ABSOLUTE_SLICE ? "slice(int, int)" : "by repositioning") + ", bulk copies "
                + (BufferAccess.ABSOLUTE_BULK ? "get/put(int, byte[], int, int)" : "by repositioning"));
        assertEquals(hasPublic("slice", int.class, int.class), BufferAccess.ABSOLUTE_SLICE);
    }

    @Test
    void theRunningJdkUsesTheAbsoluteBulkCopiesExactlyWhenByteBufferHasThem() throws Exception {
        assertEquals(hasPublic("get", int.class, byte[].class, int.class, int.class), BufferAccess.ABSOLUTE_BULK);
        assertEquals(hasPublic("put", int.class, byte[].class, int.class, int.class), BufferAccess.ABSOLUTE_BULK);
    }

    @Test
    void onJdk11TheRingRunsOnTheRepositioningForms() {
        // The JDK 11 run of this suite is the one that executes them in every other test.
        if (FEATURE < BufferAccess.ABSOLUTE_SLICE_SINCE) {
            assertEquals(false, BufferAccess.ABSOLUTE_SLICE);
            assertEquals(false, BufferAccess.ABSOLUTE_BULK);
        }
        BBQueue queue = BBQueue.allocate(1024);
        byte[] message = {1, 2, 3, 4, 5};
        assertEquals(true, queue.frameProducer().tryWrite(message, 0, message.length));
        Frame frame = queue.frameConsumer().tryRead();
        byte[] got = new byte[frame.length()];
        frame.buffer().get(got);
        assertArrayEquals(message, got);
    }

    @Test
    void bothSliceFormsCutTheSameRegionOfHeapAndDirectRings() {
        for (ByteBuffer data : rings()) {
            ByteBuffer chosen = BufferAccess.slice(data, data.duplicate(), 10, 20);
            ByteBuffer repositioned = BufferAccess.sliceByRepositioning(data, data.duplicate(), 10, 20);
            for (ByteBuffer slice : new ByteBuffer[] {chosen, repositioned}) {
                assertEquals(0, slice.position());
                assertEquals(20, slice.limit());
                assertEquals(20, slice.capacity());
                assertEquals(10, slice.get(0));
                assertEquals(29, slice.get(19));
            }
            chosen.put(0, (byte) -1);
            assertEquals(-1, repositioned.get(0), "both slices share the ring's bytes");
            assertEquals(-1, data.get(10));
        }
    }

    @Test
    void bothCopyFormsMoveTheSameBytesAndLeaveTheSharedBufferAlone() {
        for (ByteBuffer data : rings()) {
            ByteBuffer view = data.duplicate();
            byte[] viaChosen = new byte[8];
            byte[] viaRepositioning = new byte[8];
            BufferAccess.get(data, view, 40, viaChosen, 1, 6);
            BufferAccess.getByRepositioning(data, view, 40, viaRepositioning, 1, 6);
            assertArrayEquals(new byte[] {0, 40, 41, 42, 43, 44, 45, 0}, viaChosen);
            assertArrayEquals(viaChosen, viaRepositioning);

            BufferAccess.put(data, view, 60, new byte[] {9, 8, 7, 6}, 1, 2);
            BufferAccess.putByRepositioning(data, view, 62, new byte[] {9, 8, 7, 6}, 2, 2);
            assertEquals(8, data.get(60));
            assertEquals(7, data.get(61));
            assertEquals(7, data.get(62));
            assertEquals(6, data.get(63));
            assertEquals(64, data.get(64));
            assertEquals(0, data.position(), "the shared buffer's position is never moved");
            assertEquals(data.capacity(), data.limit());
        }
    }

    private static ByteBuffer[] rings() {
        ByteBuffer heap = ByteBuffer.allocate(128);
        ByteBuffer direct = ByteBuffer.allocateDirect(128);
        for (int i = 0; i < 128; i++) {
            heap.put(i, (byte) i);
            direct.put(i, (byte) i);
        }
        return new ByteBuffer[] {heap, direct};
    }

    private static boolean hasPublic(String name, Class<?>... parameters) {
        return Arrays.stream(ByteBuffer.class.getMethods())
                .anyMatch(m -> m.getName().equals(name) && Arrays.equals(m.getParameterTypes(), parameters));
    }
}
