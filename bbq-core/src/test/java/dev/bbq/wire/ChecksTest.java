package dev.bbq.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class ChecksTest {
    private static final byte[] CHECK_INPUT = "123456789".getBytes(StandardCharsets.US_ASCII);

    @Test
    void crc16CcittFalseOfTheCheckStringIs29B1() {
        assertEquals(0x29B1, Crc16.compute(CHECK_INPUT, 0, CHECK_INPUT.length));
        Crc16 crc = new Crc16();
        crc.update(CHECK_INPUT, 0, CHECK_INPUT.length);
        assertEquals(0x29B1, crc.getValue());
    }

    @Test
    void crc16OfNothingIsTheInitialValue() {
        assertEquals(0xFFFF, Crc16.compute(new byte[0], 0, 0));
    }

    @Test
    void crc16IsTheSameByteByByteInPiecesAndFromHeapOrDirectBuffers() {
        byte[] data = new byte[1000];
        new Random(6).nextBytes(data);
        int whole = Crc16.compute(data, 0, data.length);

        Crc16 single = new Crc16();
        for (byte b : data) {
            single.update(b);
        }
        assertEquals(whole, single.getValue());

        Crc16 pieces = new Crc16();
        pieces.update(data, 0, 333);
        pieces.update(data, 333, data.length - 333);
        assertEquals(whole, pieces.getValue());

        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        Crc16 fromDirect = new Crc16();
        fromDirect.update(direct);
        assertEquals(whole, fromDirect.getValue());
        assertEquals(data.length, direct.position());

        Crc16 fromHeap = new Crc16();
        fromHeap.update(ByteBuffer.wrap(data, 10, 20).slice());
        assertEquals(Crc16.compute(data, 10, 20), fromHeap.getValue());
    }

    @Test
    void crc16ResetStartsOver() {
        Crc16 crc = new Crc16();
        crc.update(new byte[] {1, 2, 3}, 0, 3);
        crc.reset();
        crc.update(CHECK_INPUT, 0, CHECK_INPUT.length);
        assertEquals(0x29B1, crc.getValue());
    }

    @Test
    void crc16RejectsARangeOutsideTheArray() {
        assertThrows(IndexOutOfBoundsException.class, () -> Crc16.compute(new byte[4], 2, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> new Crc16().update(new byte[4], -1, 1));
    }

    @Test
    void checksHaveTheirWireLengthsAndTheJdkCrc32cHasItsCheckValue() {
        assertEquals(0, FrameCheck.NONE.length());
        assertEquals(2, FrameCheck.CRC16_CCITT_FALSE.length());
        assertEquals(4, FrameCheck.CRC32C.length());
        CRC32C crc = new CRC32C();
        crc.update(CHECK_INPUT, 0, CHECK_INPUT.length);
        assertEquals(0xE3069283L, crc.getValue());
        assertEquals(CRC32C.class, FrameCheck.CRC32C.newChecksum().getClass());
    }
}
