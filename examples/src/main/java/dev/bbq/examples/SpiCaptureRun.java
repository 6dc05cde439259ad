package dev.bbq.examples;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.spi.Spi;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.spi.MockSpiProvider;
import dev.bbq.BBQueue;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.pi4j.PumpStats;
import dev.bbq.pi4j.PumpTrigger;
import dev.bbq.pi4j.SpiPort;
import dev.bbq.pi4j.SpiPump;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The Pi4J side of {@link SpiCapture}. Pi4J's mock SPI device is a loopback FIFO: a transfer reads
 * what was written to it before and appends what it sends. So the simulated sensor writes one packet
 * into the FIFO and raises the mock data-ready input; the pump's {@link PumpTrigger#dataReady}
 * trigger wakes, {@link SpiPump} transfers the packet into a frame grant and commits it; the port
 * wrapper then takes the zeros the pump sent back out of the FIFO and lowers data-ready, as a real
 * sensor lowers DRDY once its data has been clocked out. The sensor waits for that before the next
 * packet, because the mock FIFO is not thread-safe: the hand-off (an {@link AtomicInteger}) orders
 * every FIFO access of one thread before the other's.
 *
 * <p>The context is built explicitly with the mock platform and providers, never auto-detected.
 */
final class SpiCaptureRun {
    private SpiCaptureRun() {
    }

    static int run(int packets, int packetSize, PrintWriter out) throws InterruptedException {
        Context pi4j = Pi4J.newContextBuilder()
                .add(new MockPlatform())
                .add(MockSpiProvider.newInstance(), MockDigitalInputProvider.newInstance())
                .build();
        try {
            MockDigitalInput drdy = (MockDigitalInput) pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                    .id("drdy").address(25).build());
            drdy.mockState(DigitalState.LOW);
            Spi spi = pi4j.create(Spi.newConfigBuilder(pi4j).id("sensor").bus(0).channel(0).baud(8_000_000).build());
            AtomicInteger clockedOut = new AtomicInteger();
            SpiPort mock = SpiPort.of(spi);
            byte[] echo = new byte[packetSize];
            SpiPort port = (tx, txOff, rx, rxOff, len) -> {
                int r = mock.transfer(tx, txOff, rx, rxOff, len);
                spi.read(echo, 0, len); // the mock appended what the pump sent: take it out
                drdy.mockState(DigitalState.LOW);
                clockedOut.incrementAndGet();
                return r;
            };

            BBQueue queue = BBQueue.allocate(64 * 1024);
            FrameConsumer frames = queue.frameConsumer();
            long start = System.nanoTime();
            int good = 0;
            int bad = 0;
            try (SpiPump pump = SpiPump.builder(port, queue.frameProducer()).packetSize(packetSize)
                    .trigger(PumpTrigger.dataReady(drdy, DigitalState.HIGH)).start()) {
                Thread sensor = new Thread(() -> sense(spi, drdy, clockedOut, packets, packetSize), "mock-sensor");
                sensor.setDaemon(true);
                sensor.start();
                for (int seq = 0; seq < packets; seq++) {
                    Frame f = frames.read(10, TimeUnit.SECONDS);
                    if (f == null) {
                        break;
                    }
                    ByteBuffer b = f.buffer();
                    byte[] got = new byte[b.remaining()];
                    b.get(got);
                    f.release();
                    if (Arrays.equals(got, packet(seq, packetSize))) {
                        good++;
                    } else {
                        bad++;
                    }
                }
                sensor.join(10_000);
                double seconds = (System.nanoTime() - start) / 1e9;
                // The pump counts a packet just after committing it: the consumer can see the last frame
                // before its count. Once the pump has stopped, the counters are final.
                pump.close();
                PumpStats s = pump.stats();
                out.println(String.format(Locale.ROOT, "spi-capture: %,d packets of %d bytes captured by SpiPump on "
                        + "Pi4J's mock platform in %.2f s (%,.0f packets/s)", good + bad, packetSize, seconds,
                        (good + bad) / seconds));
                out.println(String.format(Locale.ROOT, "  pump: %,d data-ready triggers, %,d transfers, %,d packets, "
                        + "%,d dropped, %,d failed", s.triggers(), s.transfers(), s.packets(), s.dropped(), s.failed()));
                boolean ok = good == packets && bad == 0 && s.dropped() == 0 && s.failed() == 0;
                out.println(String.format(Locale.ROOT, "  %s: %,d intact and in order, %,d wrong, %,d missing",
                        ok ? "OK" : "FAILED", good, bad, packets - good - bad));
                return ok ? Cli.OK : Cli.INTEGRITY;
            }
        } finally {
            pi4j.shutdown();
        }
    }

    /** The simulated sensor: one packet at a time into the mock FIFO, then data-ready high, then wait for the read. */
    private static void sense(Spi spi, MockDigitalInput drdy, AtomicInteger clockedOut, int packets, int size) {
        for (int seq = 0; seq < packets; seq++) {
            spi.write(packet(seq, size));
            drdy.mockState(DigitalState.HIGH);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (clockedOut.get() <= seq) {
                if (System.nanoTime() - deadline > 0) {
                    return; // the pump stopped: the reader reports the missing packets
                }
                LockSupport.parkNanos(20_000);
            }
        }
    }

    /** Packet {@code seq}: its number, then bytes that the number alone determines. */
    static byte[] packet(int seq, int size) {
        byte[] p = new byte[size];
        new Random(seq).nextBytes(p);
        ByteBuffer.wrap(p).putInt(0, seq);
        return p;
    }
}
