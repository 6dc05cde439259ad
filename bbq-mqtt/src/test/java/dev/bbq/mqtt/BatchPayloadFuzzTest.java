package dev.bbq.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link BatchPayload#decode}, which parses bytes a subscriber received from the network: any
 * payload is either decoded into frames that account for every byte of it, or rejected with an
 * {@link IllegalArgumentException} before any frame is handed over; nothing else is thrown, and no read
 * leaves the payload (a read past it would throw {@link IndexOutOfBoundsException}). And what the
 * forwarder writes decodes to the same frames.
 *
 * <p>{@code mvn verify} runs the fuzz targets in Jazzer's regression mode, and the seeded tests on
 * generated batches. Coverage-guided fuzzing:
 * {@code JAZZER_FUZZ=1 mvn -pl bbq-mqtt -am test -Dtest=BatchPayloadFuzzTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class BatchPayloadFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void anyPayloadIsDecodedWholeOrRejectedCleanly(byte[] payload) {
        check(payload);
    }

    @FuzzTest(maxDuration = "1m")
    void whatTheForwarderWritesDecodesToTheSameFrames(FuzzedDataProvider data) {
        List<byte[]> frames = new ArrayList<>();
        int n = data.consumeInt(1, 40);
        for (int i = 0; i < n; i++) {
            frames.add(data.consumeBytes(data.consumeInt(0, 300)));
        }
        roundTrip(frames);
    }

    @Test
    void seededPayloadsAreDecodedWholeOrRejectedCleanly() {
        Random random = new Random(0xBB01);
        for (int i = 0; i < 20_000; i++) {
            List<byte[]> frames = new ArrayList<>();
            for (int n = 1 + random.nextInt(6); n > 0; n--) {
                byte[] f = new byte[random.nextInt(20)];
                random.nextBytes(f);
                frames.add(f);
            }
            byte[] payload = roundTrip(frames);
            if (i % 2 == 0) { // flip a few bits
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    payload[random.nextInt(payload.length)] ^= (byte) (1 << random.nextInt(8));
                }
            } else { // or cut it, or append to it
                payload = java.util.Arrays.copyOf(payload, random.nextInt(payload.length + 8));
            }
            check(payload);
        }
    }

    private static byte[] roundTrip(List<byte[]> frames) {
        byte[] payload = BatchPayloadTest.encode(frames);
        List<byte[]> back = BatchPayloadTest.decode(payload);
        assertEquals(frames.size(), back.size());
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(frames.get(i), back.get(i), "frame " + i);
        }
        return payload;
    }

    private static void check(byte[] payload) {
        long[] bytes = {0};
        int[] frames = {0};
        int count;
        try {
            count = BatchPayload.decode(payload, buf -> {
                frames[0]++;
                bytes[0] += buf.remaining();
            });
        } catch (IllegalArgumentException rejected) {
            assertEquals(0, frames[0], "rejected before any frame was handed over");
            assertTrue(rejected.getMessage().contains("batch"), rejected.getMessage());
            return;
        }
        assertEquals(count, frames[0]);
        assertTrue(count >= 1);
        assertEquals(payload.length, BatchPayload.HEADER_BYTES + (long) BatchPayload.FRAME_HEADER_BYTES * count + bytes[0],
                "the frames account for every byte");
    }
}
