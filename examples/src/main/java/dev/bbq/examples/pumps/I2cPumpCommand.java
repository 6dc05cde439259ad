package dev.bbq.examples.pumps;

import dev.bbq.examples.Cli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code i2c-pump}: bbq-pi4j's {@code I2cPump} on a real {@code /dev/i2c-N} through the LinuxFS
 * provider, printing what arrives (formerly {@code dev.bbq.pi4j.I2cPumpMain}).
 *
 * <pre>
 * i2c-pump --bus 1 --device 0x68 --register 0x3B --length 14 --poll-ms 10 --seconds 10
 * </pre>
 *
 * The options live here and the Pi4J code in {@link I2cPumpRun}, loaded only once the JVM is known
 * to be 21 or newer.
 */
@Command(name = "i2c-pump", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"bbq-pi4j's I2cPump on a real I2C device (/dev/i2c-N, Pi4J LinuxFS provider): reads a "
                + "register block at a fixed period into a framed queue; prints the counters and the start of the "
                + "last block every second. Needs Java 21 (Pi4J 3).", ""})
public final class I2cPumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Creates the command; {@code Main} registers it and picocli sets its options. */
    public I2cPumpCommand() {
    }

    @Option(names = "--bus", defaultValue = "1", converter = IntConverter.class, paramLabel = "N",
            description = "I2C bus (default: ${DEFAULT-VALUE}).")
    int bus;

    @Option(names = "--device", required = true, converter = IntConverter.class, paramLabel = "ADDR",
            description = "7-bit device address, e.g. 0x68 (required).")
    int device;

    @Option(names = "--register", defaultValue = "0", converter = IntConverter.class, paramLabel = "REG",
            description = "First register of the block (default: ${DEFAULT-VALUE}).")
    int register;

    @Option(names = "--length", defaultValue = "1", converter = IntConverter.class, paramLabel = "BYTES",
            description = "Block length (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--poll-ms", defaultValue = "10", converter = IntConverter.class, paramLabel = "MILLIS",
            description = "Polling period in milliseconds (default: ${DEFAULT-VALUE}).")
    int pollMillis;

    @Option(names = "--queue", defaultValue = "16384", converter = IntConverter.class, paramLabel = "BYTES",
            description = "Framed queue capacity (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--seconds", defaultValue = "10", converter = IntConverter.class, paramLabel = "N",
            description = "Run time (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Override
    public Integer call() throws Exception {
        Cli.requirePi4jRuntime("the I2C pump");
        return I2cPumpRun.run(this, spec.commandLine().getOut());
    }
}
