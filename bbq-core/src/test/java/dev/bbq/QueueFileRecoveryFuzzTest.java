package dev.bbq;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Fuzzes the successor's side of a queue file (R12): whatever a dead producer left in the ring and
 * in {@code COMMIT_START}, a producer that takes the half over ({@link QueueFileTakeover#takeOverProducer}) and a
 * consumer that then reads everything either hand over frames and skip records cleanly or report a
 * corrupt header with {@link IllegalStateException}; nothing else is thrown (no read outside the
 * ring, which would be an {@code IndexOutOfBoundsException}), and the consumer ends in a bounded
 * number of steps (each frame or skip record takes at least one committed byte).
 *
 * <p>The words describe a state the state machine can be in (I1 to I3: straight or inverted, the
 * watermark where it may be), and the byte at the write position is 0 as R11 keeps it; the commit
 * start and every other ring byte are arbitrary, which covers a death at any instruction of a
 * commit and garbage besides. {@code mvn verify} runs the fuzz target
 * in Jazzer's regression mode and {@link #seededStatesAreRepairedOrReportedCleanly()} on 5,000
 * generated states. Coverage-guided: as {@link QueueFileFuzzTest} says, with this class's name.
 */
class QueueFileRecoveryFuzzTest {
    private static final int CAPACITY = 256;
    private static QueueFile file;

    @FuzzTest(maxDuration = "2m")
    void anyStateADeathLeavesIsRepairedOrReportedCleanly(byte[] input) {
        check(input);
    }

    @Test
    void seededStatesAreRepairedOrReportedCleanly() {
        Random random = new Random(0x5EED);
        int repaired = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] input = new byte[17 + CAPACITY];
            random.nextBytes(input);
            if (i % 2 == 0) {
                // Mostly well-formed frames, so that the walk gets far: one-byte headers of short frames.
                ByteBuffer ring = ByteBuffer.wrap(input, 17, CAPACITY).slice();
                for (int at = 0; at < CAPACITY; ) {
                    int length = random.nextInt(6);
                    ring.put(at, (byte) (length << 1 | 1));
                    at += 1 + length;
                }
            }
            repaired += check(input) ? 1 : 0;
        }
        System.out.println("recovery fuzz: 5000 seeded states, " + repaired + " had a cut commit repaired");
        assertTrue(repaired > 0, "some states had a frame to repair");
    }

    /** Returns whether the successor found a cut commit to repair. */
    private static boolean check(byte[] input) {
        if (input.length < 17) {
            return false;
        }
        ByteBuffer in = ByteBuffer.wrap(input);
        int read = Math.floorMod(in.getInt(0), CAPACITY + 1);
        int write = Math.floorMod(in.getInt(4), CAPACITY + 1);
        int commitStart = Math.floorMod(in.getInt(8), CAPACITY + 1);
        int lastPick = Math.floorMod(in.getInt(12), CAPACITY + 1);
        boolean drain = (input[16] & 1) != 0;
        int last;
        if (write < read) { // inverted: write < read <= last (I2)
            last = read + lastPick % (CAPACITY - read + 1);
        } else { // straight: write <= last (I3)
            last = write + lastPick % (CAPACITY - write + 1);
        }
        QueueFile queueFile = queueFile();
        ByteBuffer ring = queueFile.ring();
        for (int i = 0; i < CAPACITY; i++) {
            ring.put(i, 17 + i < input.length ? input[17 + i] : 0);
        }
        if ((input[16] & 2) != 0 && commitStart < CAPACITY) {
            ring.put(commitStart, (byte) 0); // the flag of the commit in flight never came
        }
        if (write < CAPACITY) {
            // R11: the byte at the producer's write position is cleared before the index reaches it
            // (every commit clears the byte after its frame first), so it reads 0: the one byte of
            // the ring the protocol fixes. A consumer peeks only there, and at frame ends it saw.
            ring.put(write, (byte) 0);
        }
        ControlBlock control = queueFile.controlBlock();
        control.setRelease(ControlBlock.WRITE, write);
        control.setRelease(ControlBlock.LAST, last);
        control.setRelease(ControlBlock.READ, read);
        control.setRelease(ControlBlock.COMMIT_START, commitStart);
        control.setRelease(ControlBlock.PRODUCER_CLOSED, 0);
        long cutBefore = queueFile.map.getLong(QueueFile.OFF_FRAMES_CUT);

        Ring state = new Ring(ring, control, WaitStrategy.backoff(), true, queueFile, false);
        QueueFileTakeover.takeOverProducer(state, true);
        boolean repaired = queueFile.map.getLong(QueueFile.OFF_FRAMES_CUT) != cutBefore;
        FrameConsumer consumer = new FrameConsumer(state);
        try {
            for (int step = 0; ; step++) {
                if (step > CAPACITY + 2) {
                    fail("the consumer is still reading after " + step + " steps: read " + read + ", write " + write
                            + ", last " + last + ", commit start " + commitStart);
                }
                if (drain) {
                    if (consumer.drain(frame -> { }, 1 + step % 3) == 0) {
                        break;
                    }
                } else {
                    Frame frame = consumer.tryRead();
                    if (frame == null) {
                        break;
                    }
                    frame.release();
                }
            }
        } catch (IllegalStateException corrupt) {
            assertTrue(corrupt.getMessage().startsWith("corrupt"), corrupt.getMessage());
        }
        return repaired;
    }

    private static synchronized QueueFile queueFile() {
        if (file == null) {
            try {
                Path dir = Files.createTempDirectory("bbq-recovery-fuzz");
                Path path = dir.resolve("queue");
                path.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                file = QueueFile.create(path, CAPACITY, java.util.EnumSet.noneOf(MappedOption.class));
                file.markReady();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }
}
