package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame length header: widths, round trips and validation of untrusted bytes. */
class FrameHeaderTest {

    @Test
    void widthGrowsAtEachSevenBitBoundary() {
        assertEquals(1, FrameHeader.width(0));
        assertEquals(1, FrameHeader.width(127));
        assertEquals(2, FrameHeader.width(128));
        assertEquals(2, FrameHeader.width(16_383));
        assertEquals(3, FrameHeader.width(16_384));
        assertEquals(3, FrameHeader.width((1 << 21) - 1));
        assertEquals(4, FrameHeader.width(1 << 21));
        assertEquals(4, FrameHeader.width((1 << 28) - 1));
        assertEquals(5, FrameHeader.width(1 << 28));
        assertEquals(5, FrameHeader.width(Integer.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 127, 128, 255, 16_383, 16_384, 65_535, 65_536, (1 << 21) - 1, 1 << 21,
            (1 << 28) - 1, 1 << 28, Integer.MAX_VALUE - 5})
    void everyLengthSurvivesARoundTripInEveryWidthThatHoldsIt(int length) {
        for (int width = FrameHeader.width(length); width <= FrameHeader.MAX_WIDTH; width++) {
            ByteBuffer data = ByteBuffer.allocate(8);
            FrameHeader.encode(data, 1, width, length);
            long decoded = FrameHeader.decode(data, 1, Integer.MAX_VALUE);
            assertEquals(width, (int) (decoded >>> 32), "width for " + length);
            assertEquals(length, (int) decoded, "length in width " + width);
        }
    }

    @Test
    void maxFrameLengthLeavesRoomForItsOwnHeader() { // edge 20, bbqueue frame_big_little
        assertEquals(0, FrameHeader.maxFrameLength(1));
        assertEquals(1, FrameHeader.maxFrameLength(2));
        assertEquals(127, FrameHeader.maxFrameLength(128));
        assertEquals(127, FrameHeader.maxFrameLength(129), "128 would need a 2-byte header");
        assertEquals(128, FrameHeader.maxFrameLength(130));
        assertEquals(129, FrameHeader.maxFrameLength(131));
        assertEquals(65_533, FrameHeader.maxFrameLength(65_536));
        assertEquals(16_383, FrameHeader.maxFrameLength(16_385));
        assertEquals(16_383, FrameHeader.maxFrameLength(16_386));
        for (int capacity = 1; capacity < 70_000; capacity++) {
            int max = FrameHeader.maxFrameLength(capacity);
            assertTrue(max + FrameHeader.width(max) <= capacity, "fits: " + capacity);
            assertTrue(max + 1 + FrameHeader.width(max + 1) > capacity, "largest: " + capacity);
        }
    }

    @Test
    void aHeaderAnnouncingMoreThanWasCommittedIsCorrupt() {
        ByteBuffer data = ByteBuffer.allocate(16);
        FrameHeader.encode(data, 0, 1, 10);
        assertEquals(10, (int) FrameHeader.decode(data, 0, 11));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FrameHeader.decode(data, 0, 10));
        assertTrue(e.getMessage().contains("announces 10 bytes"), e.getMessage());
        FrameHeader.encode(data, 0, 3, 100);
        assertThrows(IllegalStateException.class, () -> FrameHeader.decode(data, 0, 102));
    }

    @Test
    void aHeaderWiderThanTheCommittedBytesIsCorrupt() {
        ByteBuffer data = ByteBuffer.allocate(16);
        FrameHeader.encode(data, 0, 4, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FrameHeader.decode(data, 0, 3));
        assertTrue(e.getMessage().contains("4-byte header"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x20, 0x40, 0x80, 0xE0})
    void aFirstByteAnnouncingMoreThanFiveBytesIsCorrupt(int first) {
        ByteBuffer data = ByteBuffer.allocate(16);
        data.put(0, (byte) first);
        assertThrows(IllegalStateException.class, () -> FrameHeader.decode(data, 0, 16));
    }

    @Test
    void aFiveByteHeaderCannotSmuggleALengthAboveIntRange() {
        ByteBuffer data = ByteBuffer.allocate(8);
        data.put(0, (byte) 0xF0).put(1, (byte) 0xFF).put(2, (byte) 0xFF).put(3, (byte) 0xFF).put(4, (byte) 0xFF);
        assertThrows(IllegalStateException.class, () -> FrameHeader.decode(data, 0, Integer.MAX_VALUE));
    }
}
