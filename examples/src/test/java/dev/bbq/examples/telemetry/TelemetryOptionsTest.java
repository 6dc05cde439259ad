package dev.bbq.examples.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.examples.Cli;
import dev.bbq.examples.Run;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The telemetry command's options: defaults, every option, and bad input as a one-line error. */
class TelemetryOptionsTest {
    private static TelemetryCommand parse(String... args) {
        TelemetryCommand command = new TelemetryCommand();
        new CommandLine(command).parseArgs(args);
        command.validate();
        return command;
    }

    @Test
    void defaultsRunTheSimulatedDeviceForTenSecondsAtTwentyThousandFramesPerSecond() {
        TelemetryCommand c = parse();
        assertEquals(Duration.ofSeconds(10), c.device.duration);
        assertEquals(20_000, c.device.rate);
        assertEquals(8, c.device.sensors);
        assertEquals(2, c.device.minReadings);
        assertEquals(8, c.device.maxReadings);
        assertEquals(0.0, c.device.noise);
        assertEquals(1, c.device.seed);
        assertEquals(DeviceOptions.Check.crc16, c.device.check);
        assertEquals(256 * 1024, c.rawQueue);
        assertEquals(256 * 1024, c.framedQueue);
        assertEquals(Path.of("telemetry-out"), c.out);
        assertEquals(TelemetryCommand.LogFormat.jsonl, c.logFormat);
        assertEquals(16L << 20, c.logMaxSize);
        assertEquals(4, c.logKeep);
        assertFalse(c.noChart);
        assertFalse(c.quiet);
        assertNull(c.serial);
        assertNull(c.spi);
        assertEquals(TelemetryRecord.length(8), c.maxRecordLength());
    }

    @Test
    void everyDeviceAndPipelineOptionIsTaken() {
        TelemetryCommand c = parse("--duration", "1500ms", "--rate", "500", "--sensors", "3", "--readings", "4",
                "--noise", "0.25", "--seed", "7", "--check", "crc32c", "--raw-queue", "16KiB", "--framed-queue", "1MiB",
                "--out", "/tmp/x", "--log-format", "csv", "--log-max-size", "2m", "--log-keep", "0", "--no-chart",
                "--quiet");
        assertEquals(Duration.ofMillis(1500), c.device.duration);
        assertEquals(500, c.device.rate);
        assertEquals(3, c.device.sensors);
        assertEquals(4, c.device.minReadings);
        assertEquals(4, c.device.maxReadings);
        assertEquals(0.25, c.device.noise);
        assertEquals(7, c.device.seed);
        assertEquals(DeviceOptions.Check.crc32c, c.device.check);
        assertEquals(16 * 1024, c.rawQueue);
        assertEquals(1 << 20, c.framedQueue);
        assertEquals(Path.of("/tmp/x"), c.out);
        assertEquals(TelemetryCommand.LogFormat.csv, c.logFormat);
        assertEquals(2L << 20, c.logMaxSize);
        assertEquals(0, c.logKeep);
        assertTrue(c.noChart);
        assertTrue(c.quiet);
    }

    @Test
    void metricsOptionsAreTaken() {
        TelemetryCommand c = parse("--jmx", "telemetry", "--jfr", "/tmp/run.jfr");
        assertEquals("telemetry", c.jmx);
        assertEquals(Path.of("/tmp/run.jfr"), c.jfr);
        TelemetryCommand none = parse();
        assertNull(none.jmx);
        assertNull(none.jfr);
    }

    @Test
    void serialOptionsAreTaken() {
        TelemetryCommand c = parse("--serial", "/dev/ttyAMA0", "--baud", "921600");
        assertEquals("/dev/ttyAMA0", c.serial);
        assertEquals(921_600, c.baud);
        assertEquals(TelemetryRecord.length(TelemetryRecord.MAX_READINGS), c.maxRecordLength(),
                "an external device may send any record size");
    }

    @Test
    void spiOptionsAreTaken() {
        TelemetryCommand c = parse("--spi", "1.2", "--spi-baud", "8000000", "--spi-mode", "3", "--packet", "48",
                "--poll", "500ms", "--drdy-gpio", "25");
        assertEquals(1, c.spiBus());
        assertEquals(2, c.spiChipSelect());
        assertEquals(8_000_000, c.spiBaud);
        assertEquals(3, c.spiMode);
        assertEquals(48, c.packet);
        assertEquals(48, c.maxRecordLength());
        assertEquals(Duration.ofMillis(500), c.poll);
        assertEquals(25, c.drdyGpio);

        TelemetryCommand h = parse("--spi", "0.0", "--length-header", "2", "--max-packet", "300");
        assertEquals(2, h.lengthHeader);
        assertEquals(300, h.maxPacket);
        assertEquals(300, h.maxRecordLength());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--rate abc                         | '--rate'",
        "--rate 0                           | --rate must be above 0",
        "--duration 0                       | --duration must be positive",
        "--duration soon                    | is not a duration",
        "--sensors 0                        | --sensors must be 1 to 256",
        "--sensors 257                      | --sensors must be 1 to 256",
        "--readings 8-2                     | --readings must be between",
        "--readings x                       | --readings must be N or MIN-MAX",
        "--readings 1001                    | --readings must be between",
        "--noise 1.5                        | --noise must be a probability",
        "--check md5                        | '--check'",
        "--raw-queue 100                    | --raw-queue must be 1KiB to 1GiB",
        "--framed-queue 1KiB --readings 300 | cannot hold a record",
        "--log-format xml                   | '--log-format'",
        "--log-max-size 10                  | --log-max-size must be at least 1KiB",
        "--log-keep 101                     | --log-keep must be 0 to 100",
        "--serial /dev/a --spi 0.0          | exclude each other",
        "--spi zero                         | --spi must be BUS.CS",
        "--spi 0.0 --spi-mode 4             | --spi-mode must be 0 to 3",
        "--spi 0.0 --packet 10              | --packet must be 24 to",
        "--spi 0.0 --length-header 5        | --length-header must be 1 to 4",
        "--spi 0.0 --drdy-gpio 99           | --drdy-gpio must be a BCM pin",
        "--jfr /no-such-dir/run.jfr         | --jfr: no directory",
        "--jfr /tmp                         | --jfr must name a file",
        "--bogus                            | Unknown option: '--bogus'",
    })
    void badInputIsOneLineOnStderrWithStatus2(String args, String expected) {
        String[] argv = ("telemetry " + args.trim()).split("\\s+");
        Run run = Run.of(argv);
        assertEquals(Cli.USAGE, run.status, run.toString());
        assertEquals(1, run.errLines().length, run.toString());
        assertTrue(run.err.startsWith("telemetry: "), run.err);
        assertTrue(run.err.contains(expected.trim()), run.err);
        assertTrue(run.err.contains("see bbq-examples telemetry --help"), run.err);
        assertEquals("", run.out, "nothing runs");
    }

    @Test
    void aSerialPortThatDoesNotExistIsOneLineWithStatus1() {
        Run run = Run.of("telemetry", "--serial", "/dev/ttyNOPE0");
        assertEquals(Cli.FAILED, run.status, run.toString());
        assertEquals(1, run.errLines().length, run.toString());
        assertTrue(run.err.startsWith("telemetry: serial port /dev/ttyNOPE0 does not exist"), run.err);
    }

    @Test
    void anSpiDeviceThatDoesNotExistIsOneLineWithStatus1() {
        Run run = Run.of("telemetry", "--spi", "7.3");
        assertEquals(Cli.FAILED, run.status, run.toString());
        assertEquals(1, run.errLines().length, run.toString());
        assertEquals("telemetry: no SPI device /dev/spidev7.3 (enable SPI: sudo raspi-config nonint do_spi 0, "
                + "then reboot)", run.err.trim());
    }

    @Test
    void helpExplainsEveryOption() {
        Run run = Run.of("telemetry", "--help");
        for (CommandLine.Model.OptionSpec option : new CommandLine(new TelemetryCommand()).getCommandSpec().options()) {
            assertTrue(run.out.contains(option.longestName()), option.longestName() + " in --help");
            assertTrue(option.description().length > 0 && !option.description()[0].isBlank(),
                    option.longestName() + " has a description");
        }
        assertTrue(run.out.contains("Exit status"), run.out);
    }
}
