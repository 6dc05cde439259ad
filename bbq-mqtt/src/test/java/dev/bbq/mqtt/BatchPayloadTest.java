package dev.bbq.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch payload format: what the forwarder writes, and the decoder's checks of untrusted bytes. */
class BatchPayloadTest {
    /** A batch as the forwarder writes it. */
    static byte[] encode(List<byte[]> frames) {
        int size = BatchPayload.HEADER_BYTES;
        for (byte[] f : frames) {
            size += BatchPayload.FRAME_HEADER_BYTES + f.length;
        }
        byte[] b = new byte[size];
        BatchPayload.putHeader(b, frames.size());
        int at = BatchPayload.HEADER_BYTES;
        for (byte[] f : frames) {
            BatchPayload.putLength(b, at, f.length);
            System.arraycopy(f, 0, b, at + BatchPayload.FRAME_HEADER_BYTES, f.length);
            at += BatchPayload.FRAME_HEADER_BYTES + f.length;
        }
        return b;
    }

    static List<byte[]> decode(byte[] payload) {
        List<byte[]> frames = new ArrayList<>();
        BatchPayload.decode(payload, buf -> {
            byte[] f = new byte[buf.remaining()];
            buf.duplicate().get(f);
            frames.add(f);
        });
        return frames;
    }

    private static String problem(byte[] payload) {
        List<byte[]> handed = new ArrayList<>();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchPayload.decode(payload, buf -> handed.add(new byte[0])));
        assertTrue(handed.isEmpty(), "no frame is handed over from a bad batch");
        return e.getMessage();
    }

    @Test
    void theLayoutIsMagicVersionCountThenLengthPrefixedFramesAllBigEndian() {
        byte[] batch = encode(List.of(new byte[] {7, 8, 9}, new byte[0], new byte[] {5}));
        assertArrayEquals(new byte[] {(byte) 0xBB, 1, 0, 3, 0, 0, 0, 3, 7, 8, 9, 0, 0, 0, 0, 0, 0, 0, 1, 5}, batch);
        List<byte[]> frames = decode(batch);
        assertEquals(3, frames.size());
        assertArrayEquals(new byte[] {7, 8, 9}, frames.get(0));
        assertArrayEquals(new byte[0], frames.get(1), "an empty frame is a frame");
        assertArrayEquals(new byte[] {5}, frames.get(2));
    }

    @Test
    void aBufferIsDecodedBetweenItsPositionAndLimitAndLeftAsItWas() {
        byte[] batch = encode(List.of(new byte[] {1, 2}, new byte[] {3}));
        byte[] around = new byte[batch.length + 6];
        System.arraycopy(batch, 0, around, 3, batch.length);
        ByteBuffer buffer = ByteBuffer.wrap(around, 3, batch.length);
        List<Integer> firsts = new ArrayList<>();
        assertEquals(2, BatchPayload.decode(buffer, buf -> firsts.add((int) buf.get(buf.position()))));
        assertEquals(List.of(1, 3), firsts);
        assertEquals(3, buffer.position());
        assertEquals(3 + batch.length, buffer.limit());
        buffer.order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, BatchPayload.decode(buffer, buf -> { }), "big-endian whatever the buffer's order");
        assertEquals(java.nio.ByteOrder.LITTLE_ENDIAN, buffer.order());
    }

    @Test
    void eachWayToBeWrongIsNamed() {
        byte[] good = encode(List.of(new byte[] {1, 2, 3}, new byte[] {4}));
        assertEquals("not a bbq batch: 3 bytes, fewer than the 4-byte header", problem(new byte[] {(byte) 0xBB, 1, 0}));
        byte[] magic = good.clone();
        magic[0] = '{';
        assertEquals("not a bbq batch: the first byte is 0x7B, not the magic 0xBB", problem(magic));
        byte[] version = good.clone();
        version[1] = 2;
        assertEquals("a bbq batch of format version 2; this decoder reads version 1", problem(version));
        assertEquals("a bbq batch of 0 frames: a batch carries at least one", problem(new byte[] {(byte) 0xBB, 1, 0, 0}));
        byte[] longer = good.clone();
        longer[7] = 9;
        assertEquals("bbq batch of 2 frames: frame 1 says 9 bytes, but only 8 follow", problem(longer));
        byte[] huge = good.clone();
        huge[4] = (byte) 0xFF;
        assertEquals("bbq batch of 2 frames: frame 1 says 4278190083 bytes, but only 8 follow", problem(huge));
        assertEquals("bbq batch of 2 frames: frame 2's length is cut off at byte 11 of 13",
                problem(Arrays.copyOf(good, good.length - 3)));
        assertEquals("bbq batch of 2 frames: 2 bytes after the last frame", problem(Arrays.copyOf(good, good.length + 2)));
        byte[] count = good.clone();
        count[3] = 3;
        assertEquals("bbq batch of 3 frames: frame 3's length is cut off at byte 16 of 16", problem(count));
    }
}
