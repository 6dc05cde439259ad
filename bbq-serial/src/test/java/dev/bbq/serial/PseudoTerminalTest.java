package dev.bbq.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.WriteGrant;
import dev.bbq.wire.Deframer;
import dev.bbq.wire.DeframerStats;
import dev.bbq.wire.FrameCheck;
import dev.bbq.testing.pty.PtyPair;
import dev.bbq.wire.FrameEncoder;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pump and the sink through real pseudo-terminals (jSerialComm's native code, the kernel's tty
 * layer), made by socat: sink on one end, pump on the other, as two UARTs wired together.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PseudoTerminalTest {
    private static final int MAX_PAYLOAD = 300;

    @TempDir
    Path dir;

    /** Payload of frame {@code seq}: the sequence number, then bytes only that number determines. */
    static byte[] payload(long seq) {
        Random random = new Random(seq);
        byte[] p = new byte[4 + random.nextInt(MAX_PAYLOAD - 3)];
        random.nextBytes(p);
        ByteBuffer.wrap(p).putInt((int) seq);
        return p;
    }

    static SerialSettings settings(Path port) {
        return SerialSettings.builder(port.toString()).baudRate(921_600)
                .overrunWait(30, TimeUnit.SECONDS) // the test asserts zero loss, whatever the machine's load
                .build();
    }

    /** Encodes frames into the sink's queue, waiting for room. */
    static void send(Producer producer, FrameEncoder encoder, long seq) throws InterruptedException {
        byte[] p = payload(seq);
        WriteGrant grant = producer.grantExact(encoder.maxEncodedLength(p.length), 30, TimeUnit.SECONDS);
        assertNotNull(grant, "the sink stopped taking bytes");
        grant.commit(encoder.encode(p, 0, p.length, grant.buffer(), 0));
    }

    /** Checks frames in order: each must be the next sequence number's payload. */
    static final class InOrder implements dev.bbq.FrameHandler {
        final AtomicLong next = new AtomicLong();
        final AtomicReference<String> problem = new AtomicReference<>();

        @Override
        public void onFrame(ByteBuffer frame) {
            byte[] got = new byte[frame.remaining()];
            frame.get(got);
            long seq = next.getAndIncrement();
            byte[] want = payload(seq);
            if (!java.util.Arrays.equals(want, got)) {
                problem.compareAndSet(null, "frame " + seq + " differs (got " + got.length + " bytes, seq "
                        + (got.length >= 4 ? ByteBuffer.wrap(got).getInt() : -1) + ")");
            }
        }
    }

    @Test
    void aMillionBytesOfFramesCrossThePumpWithoutLoss() throws Exception {
        try (PtyPair socat = PtyPair.start(dir);
             SerialConnection tx = SerialConnection.open(settings(socat.a));
             SerialConnection rx = SerialConnection.open(settings(socat.b))) {
            BBQueue out = BBQueue.allocateDirect(16 * 1024);
            BBQueue in = BBQueue.allocate(16 * 1024);
            Producer sending = out.producer();
            Consumer received = in.consumer();
            SerialSink sink = tx.startSink(out.consumer());
            SerialPump pump = rx.startPump(in.producer());
            Deframer deframer = new Deframer(MAX_PAYLOAD, FrameCheck.CRC32C);
            InOrder check = new InOrder();
            Thread deframing = new Thread(() -> {
                try {
                    deframer.run(received, check);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            deframing.start();

            FrameEncoder encoder = new FrameEncoder(FrameCheck.CRC32C);
            long wireBytes = 0;
            long frames = 0;
            while (wireBytes < 1_000_000) {
                wireBytes += encoder.encode(payload(frames), 0, payload(frames).length,
                        new byte[encoder.maxEncodedLength(MAX_PAYLOAD)], 0);
                send(sending, encoder, frames++);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (check.next.get() < frames && check.problem.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            sending.close();
            assertTrue(sink.awaitStop(10, TimeUnit.SECONDS), "the sink stops at the end of its stream");
            pump.close();
            deframing.join(10_000);

            assertNull(check.problem.get());
            assertEquals(frames, check.next.get(), "frames received");
            DeframerStats d = deframer.stats();
            assertEquals(0, d.errors(), d.toString());
            assertEquals(wireBytes, d.bytesRead());
            SerialStats p = pump.stats();
            assertEquals(wireBytes, p.bytesTransferred());
            assertEquals(0, p.overruns());
            assertEquals(0, p.errors());
            assertEquals(wireBytes, sink.stats().bytesTransferred());
            assertNull(pump.failure());
            assertNull(sink.failure());
            assertTrue(wireBytes >= 1_000_000);
        }
    }

    @Test
    void thePortVanishingStopsThePumpWithAnErrorAndKeepsWhatWasCommitted() throws Exception {
        PtyPair socat = PtyPair.start(dir);
        try (SerialConnection tx = SerialConnection.open(settings(socat.a));
             SerialConnection rx = SerialConnection.open(settings(socat.b))) {
            BBQueue out = BBQueue.allocate(8 * 1024);
            BBQueue in = BBQueue.allocate(64 * 1024);
            Producer sending = out.producer();
            SerialSink sink = tx.startSink(out.consumer());
            SerialPump pump = rx.startPump(in.producer());
            FrameEncoder encoder = new FrameEncoder(FrameCheck.CRC16_CCITT_FALSE);
            long sent = 0;
            long sentBytes = 0;
            for (; sent < 100; sent++) {
                sentBytes += encoder.maxEncodedLength(payload(sent).length); // an upper bound, checked below
                send(sending, encoder, sent);
            }
            Consumer received = in.consumer();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pump.stats().bytesTransferred() < sink.stats().bytesTransferred()
                    || sink.stats().bytesTransferred() == 0 || out.stats().bytesInUse() > 0) {
                assertTrue(System.nanoTime() < deadline, "frames did not arrive: " + pump.stats());
                Thread.sleep(10);
            }

            socat.kill(); // the cable is pulled

            assertTrue(pump.awaitStop(30, TimeUnit.SECONDS), "the pump stops when its port fails");
            assertFalse(pump.isRunning());
            assertNotNull(pump.failure());
            assertTrue(pump.failure().getMessage().contains(socat.b.toString()), pump.failure().getMessage());
            assertEquals(1, pump.stats().errors());

            Deframer deframer = new Deframer(MAX_PAYLOAD, FrameCheck.CRC16_CCITT_FALSE);
            InOrder check = new InOrder();
            deframer.run(received, check); // returns at the end of the stream: the pump closed its producer
            assertNull(check.problem.get());
            assertEquals(sent, check.next.get(), "everything committed before the failure is readable");
            assertEquals(0, deframer.stats().errors());
            assertTrue(received.isClosed());
            assertTrue(sentBytes >= pump.stats().bytesTransferred());
            sink.close();
        }
    }
}
