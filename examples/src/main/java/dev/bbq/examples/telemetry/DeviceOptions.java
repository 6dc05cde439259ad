package dev.bbq.examples.telemetry;

import dev.bbq.examples.Cli;
import dev.bbq.wire.FrameCheck;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The simulated device's options, shared by {@code telemetry} (in-process device) and
 * {@code telemetry-device} (the same device on a serial port).
 */
final class DeviceOptions {
    /** Frame checks offered on the command line. */
    enum Check {
        crc16(FrameCheck.CRC16_CCITT_FALSE), crc32c(FrameCheck.CRC32C);

        final FrameCheck check;

        Check(FrameCheck check) {
            this.check = check;
        }
    }

    @Option(names = "--duration", defaultValue = "10s", converter = Cli.DurationConverter.class, paramLabel = "TIME",
            description = "How long the device sends: 10, 10s, 500ms, 2m (default: ${DEFAULT-VALUE}). Then the "
                    + "pipeline drains and the summary is printed. Ctrl-C ends the run early, with a summary.")
    Duration duration;

    @Option(names = "--rate", defaultValue = "20000", paramLabel = "FRAMES",
            description = "Frames per second the simulated device sends, all sensors together (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--sensors", defaultValue = "8", paramLabel = "N",
            description = "Sensors of the simulated device, 1 to 256; they take turns (default: ${DEFAULT-VALUE}).")
    int sensors;

    @Option(names = "--readings", defaultValue = "2-8", paramLabel = "N|MIN-MAX",
            description = "Readings per record, fixed or a uniform mix (default: ${DEFAULT-VALUE}; at most "
                    + TelemetryRecord.MAX_READINGS + "). Sets the frame size mix: a record is 20 + 4n bytes.")
    String readings;

    @Option(names = "--noise", defaultValue = "0", paramLabel = "P",
            description = "Injected line noise: the probability, 0 to 1, that the simulated device damages a frame "
                    + "(one bit flipped). The deframer must reject every damaged frame (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "Seed of the simulated device's random choices: readings, sizes, noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--check", defaultValue = "crc16", paramLabel = "CHECK",
            description = "Wire frame check: crc16 (CRC-16/CCITT-FALSE) or crc32c (default: ${DEFAULT-VALUE}). "
                    + "A serial device must use the same.")
    Check check;

    int minReadings;
    int maxReadings;

    /**
     * Checks the ranges and derives {@link #minReadings} and {@link #maxReadings}.
     *
     * @param spec the command, for the error
     * @throws picocli.CommandLine.ParameterException saying what is wrong
     */
    void validate(CommandSpec spec) {
        if (duration.isZero() || duration.isNegative()) {
            throw Cli.badValue(spec, "--duration must be positive");
        }
        if (!(rate > 0) || rate > 10_000_000) {
            throw Cli.badValue(spec, "--rate must be above 0 and at most 10000000 frames/s");
        }
        if (sensors < 1 || sensors > 256) {
            throw Cli.badValue(spec, "--sensors must be 1 to 256");
        }
        String[] mm = readings.trim().split("-", 2);
        try {
            minReadings = Integer.parseInt(mm[0].trim());
            maxReadings = mm.length == 2 ? Integer.parseInt(mm[1].trim()) : minReadings;
        } catch (NumberFormatException e) {
            throw Cli.badValue(spec, "--readings must be N or MIN-MAX, for example 4 or 2-8: '" + readings + "'");
        }
        if (minReadings < 1 || maxReadings > TelemetryRecord.MAX_READINGS || minReadings > maxReadings) {
            throw Cli.badValue(spec, "--readings must be between 1 and " + TelemetryRecord.MAX_READINGS + ", MIN <= MAX: '" + readings + "'");
        }
        if (!(noise >= 0 && noise <= 1)) {
            throw Cli.badValue(spec, "--noise must be a probability from 0 to 1");
        }
    }

    /** @return the device's settings; after {@link #validate} */
    SimulatedDevice.DeviceSettings settings() {
        return new SimulatedDevice.DeviceSettings(rate, sensors, minReadings, maxReadings, noise, seed, check.check);
    }
}
