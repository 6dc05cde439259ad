package dev.bbq.pi4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SPI pump's logic against a deterministic fake device. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpiPumpTest {

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(1);
        }
    }

    static List<byte[]> readAll(FrameConsumer frames, int count) throws InterruptedException {
        List<byte[]> got = new ArrayList<>();
        while (got.size() < count) {
            Frame frame = frames.read(20, TimeUnit.SECONDS);
            assertNotNull(frame, "frame " + got.size() + " did not arrive");
            byte[] b = new byte[frame.length()];
            frame.buffer().get(b);
            frame.release();
            got.add(b);
        }
        return got;
    }

    static void assertAddsUp(PumpStats s) {
        assertEquals(s.triggers(), s.packets() + s.dropped() + s.failed() + s.badLengths() + s.empty(), s.toString());
    }

    @Test
    void fixedSizePacketsArriveInOrderAndIntactInHeapAndDirectQueues() throws Exception {
        for (boolean direct : new boolean[] {false, true}) {
            FakeSpiDevice device = new FakeSpiDevice(0, Set.of());
            for (int seq = 0; seq < 200; seq++) {
                device.script.add(FakeSpiDevice.packet(seq, 48));
            }
            BBQueue queue = direct ? BBQueue.allocateDirect(16 * 1024) : BBQueue.allocate(16 * 1024); // no drops
            FrameConsumer frames = queue.frameConsumer();
            SpiPump pump = SpiPump.builder(device, queue.frameProducer()).packetSize(48)
                    .trigger(PumpTrigger.polling(50, TimeUnit.MICROSECONDS)).start();
            List<byte[]> got = readAll(frames, 200);
            pump.close();
            for (int seq = 0; seq < 200; seq++) {
                assertArrayEquals(FakeSpiDevice.packet(seq, 48), got.get(seq), "packet " + seq);
            }
            PumpStats s = pump.stats();
            assertAddsUp(s);
            assertEquals(s.packets() * 48, s.bytes());
            assertEquals(0, s.failed());
            assertTrue(s.packets() >= 200, s.toString()); // then zero-filled packets until stopped
            assertNull(pump.failure());
            assertTrue(frames.isClosed() || frames.tryRead() != null, "the stopped pump closed its producer");
        }
    }

    @Test
    void packetsLongerThanTheSpidevBufferAreChunked() throws Exception {
        FakeSpiDevice device = new FakeSpiDevice(2, Set.of());
        int[] lengths = {5000, 1, 4096, 4097, 12_000, 300};
        for (int i = 0; i < lengths.length; i++) {
            device.script.add(FakeSpiDevice.packet(i, Math.max(lengths[i], 4)));
        }
        BBQueue queue = BBQueue.allocate(64 * 1024);
        FrameConsumer frames = queue.frameConsumer();
        SpiPump pump = SpiPump.builder(device, queue.frameProducer()).lengthHeader(2, 16_000).maxTransferSize(4096)
                .trigger(PumpTrigger.polling(100, TimeUnit.MICROSECONDS)).start();
        List<byte[]> got = readAll(frames, lengths.length);
        awaitTrue(() -> pump.stats().empty() > 0, "the device reports it has nothing");
        pump.close();
        for (int i = 0; i < lengths.length; i++) {
            assertArrayEquals(FakeSpiDevice.packet(i, Math.max(lengths[i], 4)), got.get(i), "packet " + i);
        }
        assertEquals(4096, device.longestTransfer, "no transfer is longer than the spidev buffer");
        assertAddsUp(pump.stats());
    }

    @Test
    void aLengthAboveTheMaximumIsCountedAndSkipped() throws Exception {
        FakeSpiDevice device = new FakeSpiDevice(2, Set.of());
        device.bogusLengths.add(60_000);
        device.script.add(FakeSpiDevice.packet(1, 100));
        BBQueue queue = BBQueue.allocate(4096);
        FrameConsumer frames = queue.frameConsumer();
        SpiPump pump = SpiPump.builder(device, queue.frameProducer()).lengthHeader(2, 1000)
                .trigger(PumpTrigger.polling(100, TimeUnit.MICROSECONDS)).start();
        List<byte[]> got = readAll(frames, 1);
        pump.close();
        assertArrayEquals(FakeSpiDevice.packet(1, 100), got.get(0));
        assertEquals(1, pump.stats().badLengths());
        assertAddsUp(pump.stats());
    }

    @Test
    void packetsThatFindTheQueueFullAreReadDroppedAndCountedAndTheDeviceStaysInStep() throws Exception {
        FakeSpiDevice device = new FakeSpiDevice(0, Set.of());
        for (int seq = 0; seq < 10; seq++) {
            device.script.add(FakeSpiDevice.packet(seq, 30));
        }
        BBQueue queue = BBQueue.allocate(100); // three 31-byte frames fit
        FrameConsumer frames = queue.frameConsumer();
        SpiPump pump = SpiPump.builder(device, queue.frameProducer()).packetSize(30)
                .trigger(PumpTrigger.polling(100, TimeUnit.MICROSECONDS)).start();
        awaitTrue(() -> pump.stats().packets() + pump.stats().dropped() >= 10, "all ten packets are read");
        pump.close();
        PumpStats s = pump.stats();
        assertEquals(3, s.packets());
        assertTrue(s.dropped() >= 7, s.toString());
        assertAddsUp(s);
        List<byte[]> got = readAll(frames, 3);
        for (int seq = 0; seq < 3; seq++) {
            assertArrayEquals(FakeSpiDevice.packet(seq, 30), got.get(seq));
        }
        assertTrue(frames.isClosed());
    }

    @Test
    void aFailedTransferLosesOnlyItsPacketAndIsCounted() throws Exception {
        FakeSpiDevice device = new FakeSpiDevice(0, Set.of(2));
        for (int seq = 0; seq < 5; seq++) {
            device.script.add(FakeSpiDevice.packet(seq, 16));
        }
        BBQueue queue = BBQueue.allocate(1024);
        FrameConsumer frames = queue.frameConsumer();
        SpiPump pump = SpiPump.builder(device, queue.frameProducer()).packetSize(16)
                .trigger(PumpTrigger.polling(100, TimeUnit.MICROSECONDS)).start();
        List<byte[]> got = readAll(frames, 5);
        pump.close();
        for (int seq = 0; seq < 5; seq++) {
            assertArrayEquals(FakeSpiDevice.packet(seq, 16), got.get(seq), "the failed transfer moved nothing");
        }
        assertEquals(1, pump.stats().failed());
        assertAddsUp(pump.stats());
        assertNull(pump.failure());
    }

    @Test
    void aDeviceThatKeepsFailingStopsThePumpWithAReasonAndKeepsWhatWasCommitted() throws Exception {
        FakeSpiDevice device = new FakeSpiDevice(0, Set.of(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14));
        device.script.add(FakeSpiDevice.packet(0, 8));
        device.script.add(FakeSpiDevice.packet(1, 8));
        BBQueue queue = BBQueue.allocate(1024);
        FrameConsumer frames = queue.frameConsumer();
        SpiPump pump = SpiPump.builder(device, queue.frameProducer()).packetSize(8).maxConsecutiveFailures(3)
                .trigger(PumpTrigger.polling(100, TimeUnit.MICROSECONDS)).start();
        assertTrue(pump.awaitStop(20, TimeUnit.SECONDS));
        assertFalse(pump.isRunning());
        assertNotNull(pump.failure());
        assertTrue(pump.failure().getMessage().contains("3 device calls failed in a row"), pump.failure().getMessage());
        assertEquals(3, pump.stats().failed());
        List<byte[]> got = readAll(frames, 2);
        assertArrayEquals(FakeSpiDevice.packet(1, 8), got.get(1));
        assertTrue(frames.isClosed(), "end of stream after the committed packets");
        assertAddsUp(pump.stats());
    }

    @Test
    void theBuilderRejectsPacketsTheQueueCannotHold() {
        BBQueue queue = BBQueue.allocate(64);
        var out = queue.frameProducer();
        SpiPort port = (tx, txOff, rx, rxOff, len) -> len;
        assertThrows(IllegalArgumentException.class, () -> SpiPump.builder(port, out).packetSize(64));
        assertThrows(IllegalArgumentException.class, () -> SpiPump.builder(port, out).lengthHeader(5, 10));
        assertThrows(IllegalStateException.class, () -> SpiPump.builder(port, out).start());
        assertThrows(IllegalArgumentException.class, () -> PumpTrigger.polling(0, TimeUnit.MILLISECONDS));
    }

    @Test
    void i2cBlocksArriveInOrderWithCountersThatAddUp() throws Exception {
        int[] reads = {0};
        I2cPort port = (register, rx, off, len) -> {
            assertEquals(0x3B, register);
            int seq = reads[0]++;
            if (seq == 3) {
                return -1; // one failed read
            }
            byte[] block = FakeSpiDevice.packet(seq, len);
            System.arraycopy(block, 0, rx, off, len);
            return len;
        };
        BBQueue queue = BBQueue.allocateDirect(2048);
        FrameConsumer frames = queue.frameConsumer();
        I2cPump pump = I2cPump.builder(port, queue.frameProducer()).register(0x3B).length(14)
                .trigger(PumpTrigger.polling(100, TimeUnit.MICROSECONDS)).start();
        List<byte[]> got = readAll(frames, 20);
        pump.close();
        int seq = 0;
        for (byte[] block : got) {
            if (seq == 3) {
                seq++;
            }
            assertArrayEquals(FakeSpiDevice.packet(seq++, 14), block);
        }
        PumpStats s = pump.stats();
        assertEquals(1, s.failed());
        assertEquals(s.packets() + s.failed(), s.transfers());
        assertAddsUp(s);
    }
}
