package dev.bbq.examples.pumps;

import dev.bbq.examples.Cli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spi-pump}: bbq-pi4j's {@code SpiPump} on a real {@code /dev/spidevB.C} through the LinuxFS
 * providers, printing what arrives (formerly {@code dev.bbq.pi4j.SpiPumpMain}).
 *
 * <pre>
 * spi-pump --bus 0 --cs 0 --baud 1000000 --mode 0 --packet 32 --poll-us 1000 --seconds 10
 * spi-pump --length-header 2 --max-packet 512 --drdy-gpio 25 --seconds 10
 * </pre>
 *
 * The options live here and the Pi4J code in {@link SpiPumpRun}, loaded only once the JVM is known
 * to be 21 or newer (Pi4J 3 is Java 21 class files; this jar also runs on Java 17).
 */
@Command(name = "spi-pump", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"bbq-pi4j's SpiPump on a real SPI device (/dev/spidevB.C, Pi4J LinuxFS provider): "
                + "fixed-size or length-prefixed packets, polled or woken by a data-ready GPIO, into a framed "
                + "queue; prints the counters and the start of the last packet every second. Needs Java 21 (Pi4J 3).",
                ""})
public final class SpiPumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Creates the command; {@code Main} registers it and picocli sets its options. */
    public SpiPumpCommand() {
    }

    @Option(names = "--bus", defaultValue = "0", converter = IntConverter.class, paramLabel = "N",
            description = "SPI bus (default: ${DEFAULT-VALUE}).")
    int bus;

    @Option(names = "--cs", defaultValue = "0", converter = IntConverter.class, paramLabel = "N",
            description = "Chip select (default: ${DEFAULT-VALUE}).")
    int cs;

    @Option(names = "--baud", defaultValue = "1000000", converter = IntConverter.class, paramLabel = "HZ",
            description = "SPI clock (default: ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--mode", defaultValue = "0", converter = IntConverter.class, paramLabel = "0-3",
            description = "SPI mode (default: ${DEFAULT-VALUE}).")
    int mode;

    @Option(names = "--packet", converter = IntConverter.class, paramLabel = "BYTES",
            description = "Fixed packet size (default: 32, unless --length-header is given).")
    Integer packet;

    @Option(names = "--length-header", converter = IntConverter.class, paramLabel = "1-4",
            description = "Each packet starts with a big-endian length of this many bytes (0: nothing to read).")
    Integer lengthHeader;

    @Option(names = "--max-packet", defaultValue = "512", converter = IntConverter.class, paramLabel = "BYTES",
            description = "With --length-header: the largest packet (default: ${DEFAULT-VALUE}).")
    int maxPacket;

    @Option(names = "--poll-us", converter = IntConverter.class, paramLabel = "MICROS",
            description = "Polling period in microseconds (default: 1000, unless --drdy-gpio is given).")
    Integer pollMicros;

    @Option(names = "--drdy-gpio", converter = IntConverter.class, paramLabel = "BCM",
            description = "BCM pin of an active-high data-ready line: transfer while it is high, instead of polling.")
    Integer drdyGpio;

    @Option(names = "--queue", defaultValue = "65536", converter = IntConverter.class, paramLabel = "BYTES",
            description = "Framed queue capacity (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--seconds", defaultValue = "10", converter = IntConverter.class, paramLabel = "N",
            description = "Run time (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Override
    public Integer call() throws Exception {
        if (packet != null && lengthHeader != null) {
            throw Cli.badValue(spec, "--packet and --length-header exclude each other");
        }
        if (pollMicros != null && drdyGpio != null) {
            throw Cli.badValue(spec, "--poll-us and --drdy-gpio exclude each other");
        }
        if (mode < 0 || mode > 3) {
            throw Cli.badValue(spec, "--mode must be 0 to 3");
        }
        Cli.requirePi4jRuntime("the SPI pump");
        return SpiPumpRun.run(this, spec.commandLine().getOut());
    }
}
