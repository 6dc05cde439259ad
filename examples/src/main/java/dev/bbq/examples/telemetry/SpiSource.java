package dev.bbq.examples.telemetry;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiMode;
import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.examples.Cli;
import dev.bbq.pi4j.LinuxFsContext;
import dev.bbq.pi4j.PumpStats;
import dev.bbq.pi4j.PumpTrigger;
import dev.bbq.pi4j.SpiPort;
import dev.bbq.pi4j.SpiPump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An SPI device through Pi4J 3's LinuxFS provider: bbq-pi4j's {@link SpiPump} clocks one packet per
 * trigger straight into a frame grant of the framed queue. SPI is packet-oriented, so there is no
 * COBS and no wire check: each packet is one {@link TelemetryRecord} (whose own CRC protects it),
 * either of a fixed size ({@code --packet}, the record followed by zero padding; an all-zero packet
 * means the device had nothing) or announced by a big-endian length first ({@code --length-header},
 * 0 meaning nothing to send).
 *
 * <p>This class is the only one of the telemetry demo that touches Pi4J (Java 21 class files): it is
 * loaded only after {@link Cli#requirePi4jRuntime(String)} has checked the JVM.
 */
final class SpiSource extends PumpSource<SpiPump> {
    private final Context pi4j;
    private final Spi spi;
    private final TelemetryCommand options;
    private final String device;

    private SpiSource(Context pi4j, Spi spi, TelemetryCommand options, String device) {
        this.pi4j = pi4j;
        this.spi = spi;
        this.options = options;
        this.device = device;
    }

    /**
     * Opens {@code /dev/spidevBUS.CS} now, so an unusable device is a one-line error before anything runs.
     *
     * @throws Cli.Failure if the device is missing or cannot be opened
     */
    static Source open(TelemetryCommand o) {
        int bus = o.spiBus();
        int cs = o.spiChipSelect();
        Path dev = Path.of("/dev/spidev" + bus + "." + cs);
        if (!Files.exists(dev)) {
            throw new Cli.Failure("no SPI device " + dev + " (enable SPI: sudo raspi-config nonint do_spi 0, then reboot)",
                    Cli.FAILED);
        }
        if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
            throw new Cli.Failure("no permission to use " + dev + " (add the user to group spi and log in again)",
                    Cli.FAILED);
        }
        Context pi4j = LinuxFsContext.create();
        try {
            Spi spi = pi4j.create(Spi.newConfigBuilder(pi4j).id("telemetry-spi").bus(bus).channel(cs)
                    .baud(o.spiBaud).mode(SpiMode.getByNumber(o.spiMode)).build());
            return new SpiSource(pi4j, spi, o, dev.toString());
        } catch (RuntimeException e) {
            pi4j.shutdown();
            throw new Cli.Failure("cannot open " + dev + ": " + Cli.oneLineMessage(e), Cli.FAILED);
        }
    }

    @Override
    public String description() {
        String packets = options.lengthHeader != null
                ? "length-prefixed packets (" + options.lengthHeader + "-byte header, up to " + options.maxPacket + " bytes)"
                : options.packet + "-byte packets";
        String trigger = options.drdyGpio != null ? "data-ready on BCM " + options.drdyGpio
                : "polled every " + options.poll.toNanos() / 1000 + " us";
        return "SPI " + device + " at " + options.spiBaud + " Hz, mode " + options.spiMode + ", " + packets + ", "
                + trigger;
    }

    @Override
    public boolean framed() {
        return true;
    }

    @Override
    SpiPump startPump(Producer raw, FrameProducer framed) {
        SpiPump.Builder builder = SpiPump.builder(SpiPort.of(spi), framed);
        if (options.lengthHeader != null) {
            builder.lengthHeader(options.lengthHeader, options.maxPacket);
        } else {
            builder.packetSize(options.packet);
        }
        if (options.drdyGpio != null) {
            DigitalInput drdy = pi4j.create(DigitalInput.newConfigBuilder(pi4j).id("telemetry-drdy")
                    .address(options.drdyGpio).pull(PullResistance.PULL_DOWN).build());
            builder.trigger(PumpTrigger.dataReady(drdy, DigitalState.HIGH));
        } else {
            builder.trigger(PumpTrigger.polling(options.poll.toNanos(), TimeUnit.NANOSECONDS));
        }
        return builder.start();
    }

    @Override
    public long framesDropped() {
        SpiPump pump = pump();
        if (pump == null) {
            return 0;
        }
        PumpStats s = pump.stats(); // one snapshot, so that the two counters agree
        return s.dropped() + s.failed();
    }

    @Override
    public long bytesDropped() {
        return 0;
    }

    @Override
    void closeDevice() {
        pi4j.shutdown();
    }
}
