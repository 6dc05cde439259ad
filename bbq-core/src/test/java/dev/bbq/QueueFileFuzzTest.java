package dev.bbq;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the queue file header and control block check ({@link QueueFile#validate}), the code that
 * parses bytes another process wrote: whatever the header and the claimed file size, it either returns a
 * capacity that fits the file or throws {@link CorruptQueueFileException}; it never throws anything
 * else, never hangs, and never reads outside the header (the header is handed over as a buffer of
 * exactly its length, so a read past it would throw).
 *
 * <p>{@code mvn verify} runs the fuzz target in Jazzer's regression mode and
 * {@link #seededHeadersAreAcceptedOrRejectedCleanly()} on generated headers, half of them mutations
 * of a valid one. Coverage-guided fuzzing:
 * {@code JAZZER_FUZZ=1 mvn -Dbbq.targetSuffix=-fuzz -pl bbq-core test -Dtest=QueueFileFuzzTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class QueueFileFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void anyHeaderIsAcceptedOrRejectedCleanly(byte[] input) {
        check(input);
    }

    @Test
    void seededHeadersAreAcceptedOrRejectedCleanly() {
        Random random = new Random(0xF11E);
        byte[] valid = validHeader(1000);
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = valid.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
                }
            } else {
                input = new byte[random.nextInt(ControlBlock.LENGTH + 100)];
                random.nextBytes(input);
            }
            check(input);
        }
        assertEquals(1000, QueueFileFuzzTestAccess.validate(valid, 4096 + 1000));
    }

    /**
     * A header and control block the way {@link QueueFile#create}, the ring and
     * {@link QueueFile#markReady} leave them.
     */
    static byte[] validHeader(int capacity) {
        ByteBuffer b = ByteBuffer.allocate(ControlBlock.LENGTH).order(ByteOrder.nativeOrder());
        b.putInt(ControlBlock.LAST, capacity);
        b.putLong(QueueFile.OFF_MAGIC, QueueFile.MAGIC);
        b.putInt(QueueFile.OFF_VERSION, QueueFile.VERSION);
        b.putInt(QueueFile.OFF_CAPACITY, capacity);
        b.putInt(QueueFile.OFF_BYTE_ORDER, QueueFile.BYTE_ORDER_MARK);
        b.putInt(QueueFile.OFF_DATA_OFFSET, QueueFile.DATA_OFFSET);
        b.putInt(QueueFile.OFF_READY, 1);
        return b.array();
    }

    private static void check(byte[] input) {
        // The last 8 bytes of the input, if any, say how long the file claims to be.
        long fileSize = 0;
        int headerLength = input.length;
        if (input.length >= 8) {
            fileSize = ByteBuffer.wrap(input, input.length - 8, 8).getLong() & Long.MAX_VALUE;
            headerLength -= 8;
        }
        ByteBuffer header = ByteBuffer.wrap(input, 0, headerLength).slice().order(ByteOrder.nativeOrder());
        try {
            int capacity = QueueFile.validate(header, fileSize, "fuzz");
            assertTrue(capacity >= 1 && capacity <= BBQueue.MAX_CAPACITY);
            assertTrue(fileSize >= QueueFile.DATA_OFFSET + (long) capacity, "accepted a file too short for its ring");
        } catch (CorruptQueueFileException expected) {
            assertTrue(expected.getMessage().startsWith("cannot open fuzz as a bbq queue: "));
        }
    }

    /** Lets the seeded test call the validator with a plain array. */
    static final class QueueFileFuzzTestAccess {
        private QueueFileFuzzTestAccess() {
        }

        static int validate(byte[] header, long fileSize) {
            try {
                return QueueFile.validate(ByteBuffer.wrap(header).order(ByteOrder.nativeOrder()), fileSize, "seed");
            } catch (CorruptQueueFileException e) {
                throw new AssertionError(e);
            }
        }
    }
}
