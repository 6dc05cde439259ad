package dev.bbq.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.ReadGrant;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameEncoderTest {

    @Test
    void aFrameIsCobsOfPayloadAndLittleEndianCheckThenADelimiter() {
        byte[] payload = {0x11, 0x00, 0x22};
        int crc = Crc16.compute(payload, 0, 3);
        byte[] plain = {0x11, 0x00, 0x22, (byte) crc, (byte) (crc >>> 8)};
        byte[] expected = new byte[Cobs.maxEncodedLength(plain.length) + 1];
        int n = Cobs.encode(plain, 0, plain.length, expected, 0);
        expected = Arrays.copyOf(expected, n + 1); // and the 0x00 delimiter

        FrameEncoder encoder = new FrameEncoder(FrameCheck.CRC16_CCITT_FALSE);
        byte[] wire = new byte[encoder.maxEncodedLength(3)];
        int m = encoder.encode(payload, 0, 3, wire, 0);
        assertArrayEquals(expected, Arrays.copyOf(wire, m));
        assertEquals(0, wire[m - 1]);
    }

    @Test
    void encodingIntoHeapOrDirectBuffersGivesTheSameBytesAsIntoArrays() {
        Random random = new Random(8);
        for (FrameCheck check : FrameCheck.values()) {
            FrameEncoder encoder = new FrameEncoder(check);
            for (int len : new int[] {0, 1, 250, 252, 254, 255, 600}) {
                byte[] payload = new byte[len];
                random.nextBytes(payload);
                byte[] array = new byte[encoder.maxEncodedLength(len)];
                int n = encoder.encode(payload, 0, len, array, 0);
                int room = array.length + 5;
                for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.allocate(room), ByteBuffer.allocateDirect(room)}) {
                    assertEquals(n, encoder.encode(payload, 0, len, b, 5));
                    byte[] got = new byte[n];
                    for (int i = 0; i < n; i++) {
                        got[i] = b.get(5 + i);
                    }
                    assertArrayEquals(Arrays.copyOf(array, n), got, check + " " + len);
                }
            }
        }
    }

    @Test
    void tryWriteCommitsOneWireFrameInPlaceOrNothingWhenThereIsNoRoom() {
        for (boolean direct : new boolean[] {false, true}) {
            BBQueue queue = direct ? BBQueue.allocateDirect(64) : BBQueue.allocate(64);
            Producer producer = queue.producer();
            Consumer consumer = queue.consumer();
            FrameEncoder encoder = new FrameEncoder(FrameCheck.CRC32C);
            byte[] payload = "hello, wire".getBytes();
            assertTrue(encoder.tryWrite(producer, payload, 0, payload.length));

            byte[] expected = new byte[encoder.maxEncodedLength(payload.length)];
            int n = encoder.encode(payload, 0, payload.length, expected, 0);
            ReadGrant grant = consumer.tryRead();
            assertEquals(n, grant.length(), "only the encoded bytes are committed");
            byte[] got = new byte[n];
            grant.buffer().get(got);
            assertArrayEquals(Arrays.copyOf(expected, n), got);
            grant.close();

            byte[] big = new byte[45];
            assertFalse(encoder.tryWrite(producer, big, 0, big.length), "no room for another 51 bytes");
            assertEquals(n, consumer.available(), "a refused write commits nothing");
            assertThrows(IllegalArgumentException.class, () -> encoder.tryWrite(producer, new byte[100], 0, 100));
        }
    }

    @Test
    void aReadGrantCanBeDecodedInPlace() {
        BBQueue queue = BBQueue.allocate(256);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        FrameEncoder encoder = new FrameEncoder(FrameCheck.NONE);
        byte[] payload = {0, 1, 0, 2, 3, 0};
        assertTrue(encoder.tryWrite(producer, payload, 0, payload.length));
        ReadGrant grant = consumer.tryRead();
        ByteBuffer b = grant.buffer();
        int delimiter = grant.length() - 1;
        assertEquals(0, b.get(delimiter));
        int n = Cobs.decode(b, 0, delimiter, b, 0);
        byte[] decoded = new byte[n];
        b.get(decoded);
        assertArrayEquals(payload, decoded);
        grant.release(grant.length());
        assertNotEquals(null, encoder.check());
    }
}
