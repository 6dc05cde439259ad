package dev.bbq.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CobsTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] range(int from, int toInclusive) {
        byte[] b = new byte[toInclusive - from + 1];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static byte[] encode(byte[] data) {
        byte[] out = new byte[Cobs.maxEncodedLength(data.length)];
        int n = Cobs.encode(data, 0, data.length, out, 0);
        return Arrays.copyOf(out, n);
    }

    private static byte[] decode(byte[] encoded) {
        byte[] out = new byte[Math.max(encoded.length - 1, 0)];
        int n = Cobs.decode(encoded, 0, encoded.length, out, 0);
        return Arrays.copyOf(out, n);
    }

    /** The examples of the Wikipedia article and the Cheshire-Baker paper (without the delimiter). */
    @Test
    void encodesThePublishedExamples() {
        assertArrayEquals(bytes(0x01, 0x01), encode(bytes(0x00)));
        assertArrayEquals(bytes(0x01, 0x01, 0x01), encode(bytes(0x00, 0x00)));
        assertArrayEquals(bytes(0x01, 0x02, 0x11, 0x01), encode(bytes(0x00, 0x11, 0x00)));
        assertArrayEquals(bytes(0x03, 0x11, 0x22, 0x02, 0x33), encode(bytes(0x11, 0x22, 0x00, 0x33)));
        assertArrayEquals(bytes(0x05, 0x11, 0x22, 0x33, 0x44), encode(bytes(0x11, 0x22, 0x33, 0x44)));
        assertArrayEquals(bytes(0x02, 0x11, 0x01, 0x01, 0x01), encode(bytes(0x11, 0x00, 0x00, 0x00)));
        assertArrayEquals(concat(bytes(0xFF), range(1, 254)), encode(range(1, 254)));
        assertArrayEquals(concat(bytes(0x01, 0xFF), range(1, 254)), encode(concat(bytes(0), range(1, 254))));
        assertArrayEquals(concat(bytes(0xFF), range(1, 254), bytes(0x02, 0xFF)), encode(range(1, 255)));
        assertArrayEquals(concat(bytes(0xFF), range(2, 255), bytes(0x01, 0x01)),
                encode(concat(range(2, 255), bytes(0))));
        assertArrayEquals(concat(bytes(0xFE), range(3, 255), bytes(0x02, 0x01)),
                encode(concat(range(3, 255), bytes(0, 1))));
        assertArrayEquals(bytes(0x01), encode(new byte[0]));
    }

    @Test
    void decodesThePublishedExamples() {
        assertArrayEquals(bytes(0x11, 0x22, 0x00, 0x33), decode(bytes(0x03, 0x11, 0x22, 0x02, 0x33)));
        assertArrayEquals(bytes(0x00), decode(bytes(0x01, 0x01)));
        assertArrayEquals(range(1, 255), decode(concat(bytes(0xFF), range(1, 254), bytes(0x02, 0xFF))));
        assertArrayEquals(new byte[0], decode(bytes(0x01)));
    }

    static IntStream lengthsAroundBlockBoundaries() {
        return IntStream.of(0, 1, 2, 3, 4, 127, 128, 252, 253, 254, 255, 256, 257, 258, 506, 507, 508, 509, 510,
                511, 761, 762, 763, 764, 1015, 1016, 1017, 1018, 1019);
    }

    @ParameterizedTest(name = "length {0}")
    @MethodSource("lengthsAroundBlockBoundaries")
    void roundTripsEveryLengthAroundTheBlockBoundaryWithAndWithoutZeros(int length) {
        Random random = new Random(length);
        for (int variant = 0; variant < 4; variant++) {
            byte[] data = new byte[length];
            switch (variant) {
                case 0: // no zero at all: only full-length blocks, the exact maximum
                    for (int i = 0; i < length; i++) {
                        data[i] = (byte) (1 + random.nextInt(255));
                    }
                    break;
                case 1: // all zeros
                    break;
                case 2: // random, zeros likely
                    random.nextBytes(data);
                    break;
                default: // a zero at the end only
                    for (int i = 0; i < length; i++) {
                        data[i] = (byte) (1 + random.nextInt(255));
                    }
                    if (length > 0) {
                        data[length - 1] = 0;
                    }
            }
            byte[] encoded = encode(data);
            for (byte b : encoded) {
                assertNotEquals(0, b, "an encoding never contains the delimiter");
            }
            assertTrue(encoded.length <= Cobs.maxEncodedLength(length));
            if (variant == 0) {
                assertEquals(Cobs.maxEncodedLength(length), encoded.length);
            }
            assertArrayEquals(data, decode(encoded), "variant " + variant);
        }
    }

    @Test
    void overheadIsOneBytePerStartedBlockOf254() {
        assertEquals(1, Cobs.overhead(0));
        assertEquals(1, Cobs.overhead(1));
        assertEquals(1, Cobs.overhead(254));
        assertEquals(2, Cobs.overhead(255));
        assertEquals(2, Cobs.overhead(508));
        assertEquals(3, Cobs.overhead(509));
        assertThrows(IllegalArgumentException.class, () -> Cobs.overhead(-1));
    }

    @ParameterizedTest(name = "length {0}")
    @MethodSource("lengthsAroundBlockBoundaries")
    void encodesAndDecodesInPlaceInArraysAndDirectBuffers(int length) {
        byte[] data = new byte[length];
        new Random(length * 31L).nextBytes(data);
        byte[] expected = encode(data);
        int overhead = Cobs.overhead(length);

        byte[] region = new byte[Cobs.maxEncodedLength(length) + 3];
        System.arraycopy(data, 0, region, 3 + overhead, length);
        int n = Cobs.encode(region, 3 + overhead, length, region, 3);
        assertArrayEquals(expected, Arrays.copyOfRange(region, 3, 3 + n));
        int m = Cobs.decode(region, 3, n, region, 3);
        assertArrayEquals(data, Arrays.copyOfRange(region, 3, 3 + m));

        ByteBuffer direct = ByteBuffer.allocateDirect(region.length);
        for (int i = 0; i < length; i++) {
            direct.put(3 + overhead + i, data[i]);
        }
        n = Cobs.encode(direct, 3 + overhead, length, direct, 3);
        byte[] encodedDirect = new byte[n];
        for (int i = 0; i < n; i++) {
            encodedDirect[i] = direct.get(3 + i);
        }
        assertArrayEquals(expected, encodedDirect);
        m = Cobs.decode(direct, 3, n, direct, 3);
        byte[] decodedDirect = new byte[m];
        for (int i = 0; i < m; i++) {
            decodedDirect[i] = direct.get(3 + i);
        }
        assertArrayEquals(data, decodedDirect);
        assertEquals(0, direct.position(), "absolute indices leave the position alone");
    }

    @Test
    void rejectsADelimiterInsideAFrameNamingTheOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> decode(bytes(0x03, 0x11, 0x00, 0x02, 0x33)));
        assertTrue(e.getMessage().contains("offset 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> decode(bytes(0x00)));
    }

    @Test
    void rejectsACodeThatPromisesMoreBytesThanThereAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> decode(bytes(0x02, 0x11, 0x05, 0x22)));
        assertTrue(e.getMessage().contains("offset 2"), e.getMessage());
        ByteBuffer b = ByteBuffer.wrap(bytes(0x09, 0x11));
        assertThrows(IllegalArgumentException.class, () -> Cobs.decode(b, 0, 2, b, 0));
    }

    @Test
    void rejectsAnEmptyFrameAndRangesOutsideTheArrays() {
        assertThrows(IllegalArgumentException.class, () -> Cobs.decode(new byte[1], 0, 0, new byte[1], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Cobs.encode(new byte[4], 0, 4, new byte[4], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Cobs.decode(new byte[4], 2, 4, new byte[4], 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Cobs.encode(ByteBuffer.allocate(4), 0, 4, ByteBuffer.allocate(4), 0));
    }
}
