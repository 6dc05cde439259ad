package dev.bbq.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import dev.bbq.QueueFileStatus;
import dev.bbq.testing.pty.PtyPair;
import dev.bbq.wire.FrameCheck;
import dev.bbq.wire.FrameEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/c/serial_driver.c end to end: a socat pseudo-terminal pair stands in for the UART; this
 * JVM writes wire frames (dev.bbq.wire.FrameEncoder, CRC-16) into one end, the C driver reads the
 * other, deframes with the rules of dev.bbq.wire.Deframer and writes the payloads into a queue file
 * whose consumer half this JVM holds. Valid frames arrive once and in order; a damaged frame, a cut
 * one and an oversize one are counted and skipped; SIGTERM ends the stream.
 */
class SerialDriverTest {
    static final int FRAMES = 2000;
    static final long CORRUPTED = 500;

    @TempDir
    Path dir;

    @Test
    void theDriverDeliversEveryValidWireFrameIntoTheQueueFile() throws Exception {
        PtyPair pty = PtyPair.start(dir); // the UART: the driver on end a, this JVM writing into end b
        Path ttyA = pty.a;
        Path ttyB = pty.b;
        Process driver = null;
        try {
            Path file = dir.resolve("serial.bbq");
            FrameConsumer consumer = BBQueue.createMapped(file, 1 << 20).frameConsumer();
            Path log = dir.resolve("driver.log");
            driver = CPrograms.startLogged(CPrograms.command(CPrograms.serialDriver(), "--device", ttyA, "--queue", file,
                    "--check", "crc16", "--max-frame", 256), log);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!QueueFileStatus.read(file).isProducerHeld()) {
                assertTrue(driver.isAlive() && System.nanoTime() < deadline, "the driver did not take the producer half: "
                        + Files.readString(log));
                Thread.sleep(10);
            }

            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try (OutputStream line = Files.newOutputStream(ttyB)) {
                    writeWireFrames(line);
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            });
            writer.start();
            List<Long> seqs = new ArrayList<>();
            while (seqs.size() < FRAMES - 1 && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(30)) {
                consumer.drain(frame -> seqs.add(TestFrames.checkedSeq(frame)), 1000, 100, TimeUnit.MILLISECONDS);
            }
            writer.join();
            assertEquals(null, writerFailure.get());
            driver.destroy(); // SIGTERM: the driver closes its half, which ends the stream
            while (!consumer.isClosed()) {
                consumer.drain(frame -> seqs.add(-1L), 1000, 100, TimeUnit.MILLISECONDS);
            }
            assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
            String output = Files.readString(log);
            assertEquals(0, driver.exitValue(), output);
            List<Long> expected = LongStream.range(0, FRAMES).filter(s -> s != CORRUPTED).boxed()
                    .collect(Collectors.toList());
            assertEquals(expected, seqs, "every valid frame once, in order, and nothing else");
            assertTrue(output.contains("delivered=" + (FRAMES - 1) + " dropped=0 crc_errors=1 oversize=1 malformed=1"),
                    output);
        } finally {
            if (driver != null) {
                driver.destroyForcibly();
            }
            pty.close();
        }
    }

    /** A delimiter first (a late joiner's resync), then the frames, with three bad ones among them. */
    private static void writeWireFrames(OutputStream line) throws IOException {
        FrameEncoder encoder = new FrameEncoder(FrameCheck.CRC16_CCITT_FALSE);
        byte[] payload = new byte[400];
        byte[] wire = new byte[encoder.maxEncodedLength(payload.length)];
        line.write(0);
        for (long seq = 0; seq < FRAMES; seq++) {
            int n = encoder.encode(payload, 0, TestFrames.make(payload, 1, seq), wire, 0);
            if (seq == CORRUPTED) {
                wire[n / 2] ^= 0x01; // a bit flipped on the line: the CRC no longer matches
                if (wire[n / 2] == 0) {
                    wire[n / 2] = 0x02;
                }
            }
            line.write(wire, 0, n);
            if (seq == 100) {
                line.write(new byte[] {0x05, 0x11, 0x22, 0x00}); // a code promising 4 bytes, 2 come: malformed
            }
            if (seq == 200) {
                byte[] oversize = new byte[encoder.maxEncodedLength(300)];
                line.write(oversize, 0, encoder.encode(new byte[300], 0, 300, oversize, 0)); // over --max-frame 256
            }
            if (seq % 50 == 0) {
                line.flush();
                pause(); // a UART's pace, roughly: the driver's queue never fills
            }
        }
        line.flush();
    }

    private static void pause() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
