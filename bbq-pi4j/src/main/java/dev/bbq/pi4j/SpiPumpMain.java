package dev.bbq.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiMode;
import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import java.util.concurrent.TimeUnit;

/**
 * Runs an {@link SpiPump} on real hardware through the LinuxFS providers and prints what arrives:
 *
 * <pre>
 * java -cp ... dev.bbq.pi4j.SpiPumpMain --bus 0 --cs 0 --baud 1000000 --mode 0 --packet 32 --poll-us 1000 --seconds 10
 * java -cp ... dev.bbq.pi4j.SpiPumpMain --length-header 2 --max-packet 512 --drdy-gpio 25 --seconds 10
 * </pre>
 *
 * Options: {@code --bus} (0), {@code --cs} chip select (0), {@code --baud} (1000000), {@code --mode}
 * 0 to 3 (0), {@code --packet} fixed packet size (32) or {@code --length-header} 1 to 4 with
 * {@code --max-packet}, {@code --poll-us} polling period (1000) or {@code --drdy-gpio} BCM pin of an
 * active-high data-ready line, {@code --queue} queue bytes (65536), {@code --seconds} run time (10).
 */
public final class SpiPumpMain {
    private static final String USAGE = "usage: SpiPumpMain [--bus 0] [--cs 0] [--baud 1000000] [--mode 0] "
            + "[--packet 32 | --length-header 2 --max-packet 512] [--poll-us 1000 | --drdy-gpio 25] "
            + "[--queue 65536] [--seconds 10]";

    private SpiPumpMain() {
    }

    /**
     * @param argv see the class comment
     * @throws Exception if the device cannot be opened
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, USAGE);
        Context pi4j = LinuxFsContext.create();
        try {
            Spi spi = pi4j.create(Spi.newConfigBuilder(pi4j).id("bbq-spi")
                    .bus(args.integer("bus", 0)).channel(args.integer("cs", 0))
                    .baud(args.integer("baud", 1_000_000)).mode(SpiMode.getByNumber(args.integer("mode", 0)))
                    .build());
            BBQueue queue = BBQueue.allocate(args.integer("queue", 65_536));
            FrameConsumer frames = queue.frameConsumer();
            SpiPump.Builder builder = SpiPump.builder(SpiPort.of(spi), queue.frameProducer());
            if (args.has("length-header")) {
                builder.lengthHeader(args.integer("length-header", 2), args.integer("max-packet", 512));
            } else {
                builder.packetSize(args.integer("packet", 32));
            }
            if (args.has("drdy-gpio")) {
                DigitalInput drdy = pi4j.create(DigitalInput.newConfigBuilder(pi4j).id("bbq-drdy")
                        .address(args.integer("drdy-gpio", 25)).pull(PullResistance.PULL_DOWN).build());
                builder.trigger(PumpTrigger.dataReady(drdy, DigitalState.HIGH));
            } else {
                builder.trigger(PumpTrigger.polling(args.integer("poll-us", 1000), TimeUnit.MICROSECONDS));
            }
            System.out.println("SPI bus " + args.integer("bus", 0) + " cs " + args.integer("cs", 0)
                    + ", transfers of at most " + SpiPump.spidevBufferSize() + " bytes");
            try (SpiPump pump = builder.start()) {
                Reporter.run(frames, pump, queue, args.integer("seconds", 10));
            }
        } finally {
            pi4j.shutdown();
        }
    }
}
