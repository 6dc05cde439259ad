package dev.bbq.examples.telemetry;

import dev.bbq.BBQueue;
import dev.bbq.examples.Cli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code telemetry}: the project's main demo. A device streams sensor frames, a driver thread pumps
 * them into a raw queue, a deframer thread checks them into a framed queue, and a consumer thread
 * validates, aggregates and logs them, while a status line shows the pipeline working. See
 * {@link TelemetryRun} for the pipeline and docs/examples.md for a walk-through.
 *
 * <p>The options are fields (picocli sets them); {@link #validate()} checks their ranges and
 * combinations and says what is wrong in one line.
 */
@Command(name = "telemetry", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {
            "The telemetry pipeline: a device streams COBS-framed sensor records; a driver thread pumps the bytes "
                    + "into a raw bbq queue; a deframer thread checks each frame (COBS, CRC) into a framed queue; a "
                    + "consumer thread checks sequence numbers and the record CRC, keeps per-sensor statistics, "
                    + "measures end-to-end latency and writes a log.",
            "",
            "By default the device is a simulated microcontroller inside this process (no hardware needed). "
                    + "A status line is printed every second; at the end a summary says whether any frame was "
                    + "lost, duplicated or corrupted, and a chart of throughput and latency is written next to the log.",
            ""},
        footer = {
            "",
            "Record layout (little-endian): version u8 = 1, sensor u8, n u16, sequence u32 (per sensor), "
                    + "timestamp u64 (ns), n x float32 readings, CRC-32C u32 of everything before it.",
            "Serial wire format: COBS(record + check) followed by 0x00; the check is --check, little-endian.",
            "SPI: one record per packet, no COBS and no wire check. With --packet N every packet is N bytes "
                    + "(record, then zero padding; an all-zero packet means nothing to send). With --length-header B "
                    + "the device first answers a B-byte big-endian length (0: nothing), then the record.",
            "",
            "Exit status: 0 every frame accounted for, 1 the run failed (device, file), 2 bad command line, "
                    + "3 frames lost, duplicated or corrupted."})
public final class TelemetryCommand implements Callable<Integer> {
    /** Log formats offered on the command line. */
    enum LogFormat { jsonl, csv, none }

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions device;

    @Mixin
    MqttOptions mqtt;

    @Option(names = "--raw-queue", defaultValue = "256KiB", converter = Cli.SizeConverter.class, paramLabel = "SIZE",
            description = "Capacity of the raw (byte) queue, for example 16KiB or 1MiB (default: ${DEFAULT-VALUE}).")
    long rawQueue;

    @Option(names = "--framed-queue", defaultValue = "256KiB", converter = Cli.SizeConverter.class, paramLabel = "SIZE",
            description = "Capacity of the framed queue (default: ${DEFAULT-VALUE}). When it is full the deframer "
                    + "drops frames and counts them (the telemetry overload policy: never stall the device side).")
    long framedQueue;

    @Option(names = "--out", defaultValue = "telemetry-out", paramLabel = "DIR",
            description = "Directory for the log, the chart (telemetry.png) and the summary (summary.txt) "
                    + "(default: ${DEFAULT-VALUE}). Files of a previous run with the same names are replaced.")
    Path out;

    @Option(names = "--log-format", defaultValue = "jsonl", paramLabel = "FORMAT",
            description = "jsonl (JSON Lines), csv or none (default: ${DEFAULT-VALUE}). One line per valid record.")
    LogFormat logFormat;

    @Option(names = "--log-max-size", defaultValue = "16MiB", converter = Cli.SizeConverter.class, paramLabel = "SIZE",
            description = "Size at which the log rotates: telemetry.jsonl becomes telemetry.1.jsonl (default: ${DEFAULT-VALUE}).")
    long logMaxSize;

    @Option(names = "--log-keep", defaultValue = "4", paramLabel = "N",
            description = "Rotated log files kept, 0 to 100; older ones are deleted (default: ${DEFAULT-VALUE}).")
    int logKeep;

    @Option(names = "--no-chart", description = "Do not write the PNG chart.")
    boolean noChart;

    @Option(names = "--quiet", description = "No live status line; only the summary.")
    boolean quiet;

    @Option(names = "--jmx", paramLabel = "NAME",
            description = "Publish the queues and the deframer as JMX MBeans while the run lasts (bbq-metrics): "
                    + "dev.bbq:type=Queue,name=NAME.raw and NAME.framed, dev.bbq:type=Deframer,name=NAME; "
                    + "open them with jconsole or JDK Mission Control.")
    String jmx;

    @Option(names = "--jfr", paramLabel = "FILE",
            description = "Write a JDK Flight Recorder recording of the run to FILE, with a dev.bbq.QueueSample "
                    + "event per queue and dev.bbq.StatsSample events for the deframer every "
                    + RunMetrics.JFR_PERIOD_MILLIS + " ms (see: jfr print --events dev.bbq.QueueSample FILE).")
    Path jfr;

    @Option(names = "--serial", paramLabel = "PORT",
            description = "Read a real serial port instead of the simulated device, for example /dev/serial0 or "
                    + "/dev/ttyAMA0 (the device sends COBS frames as described below).")
    String serial;

    @Option(names = "--queue-file", paramLabel = "PATH",
            description = "Consume records from a queue file that another process writes (for example the C driver "
                    + "examples/c/serial_driver.c) instead of running a source here; created with --framed-queue's "
                    + "size if missing. The run ends when that process closes the stream, or after --duration.")
    Path queueFile;

    @Option(names = "--baud", defaultValue = "115200", paramLabel = "RATE",
            description = "Serial baud rate (default: ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--spi", paramLabel = "BUS.CS",
            description = "Read an SPI device instead, for example 0.0 for /dev/spidev0.0. Needs Java 21 (Pi4J 3).")
    String spi;

    @Option(names = "--spi-baud", defaultValue = "1000000", paramLabel = "HZ",
            description = "SPI clock (default: ${DEFAULT-VALUE}).")
    int spiBaud;

    @Option(names = "--spi-mode", defaultValue = "0", paramLabel = "0-3",
            description = "SPI mode (default: ${DEFAULT-VALUE}).")
    int spiMode;

    @Option(names = "--packet", defaultValue = "64", paramLabel = "BYTES",
            description = "SPI: fixed packet size (default: ${DEFAULT-VALUE}).")
    int packet;

    @Option(names = "--length-header", paramLabel = "BYTES",
            description = "SPI: packets announced by a 1 to 4 byte big-endian length instead of a fixed size.")
    Integer lengthHeader;

    @Option(names = "--max-packet", defaultValue = "512", paramLabel = "BYTES",
            description = "SPI with --length-header: the longest packet accepted (default: ${DEFAULT-VALUE}).")
    int maxPacket;

    @Option(names = "--poll", defaultValue = "1ms", converter = Cli.DurationConverter.class, paramLabel = "TIME",
            description = "SPI: read a packet every TIME (default: ${DEFAULT-VALUE}).")
    Duration poll;

    @Option(names = "--drdy-gpio", paramLabel = "BCM",
            description = "SPI: read a packet when this active-high data-ready GPIO is high, instead of polling.")
    Integer drdyGpio;

    @Option(names = "--sensor-threads", defaultValue = "0", paramLabel = "N",
            description = "Instead of the simulated microcontroller, N sensor threads in this process write records "
                    + "straight into the framed queue through one shared producer (BBQueue.sharedFrameProducer(), "
                    + "writeOrDrop); sensor s belongs to thread s % N. 0: off (default).")
    int sensorThreads;

    @Override
    public Integer call() throws Exception {
        validate();
        return new TelemetryRun(this, spec.commandLine().getOut()).run();
    }

    /**
     * Checks ranges and combinations.
     *
     * @throws picocli.CommandLine.ParameterException saying what is wrong
     */
    void validate() {
        device.validate(spec);
        checkQueue("--raw-queue", rawQueue);
        checkQueue("--framed-queue", framedQueue);
        if (BBQueue.maxFrameLength((int) framedQueue) < maxRecordLength()) {
            throw bad("--framed-queue of " + framedQueue + " bytes cannot hold a record of " + maxRecordLength()
                    + " bytes: make it larger or --readings smaller");
        }
        if (logMaxSize < 1024) {
            throw bad("--log-max-size must be at least 1KiB");
        }
        if (logKeep < 0 || logKeep > 100) {
            throw bad("--log-keep must be 0 to 100");
        }
        if (jmx != null && jmx.isBlank()) {
            throw bad("--jmx needs a name, for example --jmx telemetry");
        }
        if (jfr != null) {
            Path dir = jfr.toAbsolutePath().getParent();
            if (java.nio.file.Files.isDirectory(jfr)) {
                throw bad("--jfr must name a file, not a directory: " + jfr);
            }
            if (dir != null && !java.nio.file.Files.isDirectory(dir)) {
                throw bad("--jfr: no directory " + dir + " to write the recording in");
            }
        }
        mqtt.validate(spec, maxRecordLength());
        if (sensorThreads < 0 || sensorThreads > 64) {
            throw bad("--sensor-threads must be 0 (off) to 64");
        }
        if (sensorThreads > 0 && (serial != null || spi != null || queueFile != null)) {
            throw bad("--sensor-threads simulates the sensors in this process: it excludes --serial, --spi and --queue-file");
        }
        if (serial != null && spi != null) {
            throw bad("--serial and --spi exclude each other: choose one source");
        }
        if (queueFile != null && (serial != null || spi != null)) {
            throw bad("--queue-file excludes --serial and --spi: the process writing the file is the source");
        }
        if (baud < 1) {
            throw bad("--baud must be positive");
        }
        if (spi != null) {
            if (!spi.matches("\\d{1,2}\\.\\d{1,2}")) {
                throw bad("--spi must be BUS.CS, for example 0.0 or 1.2: '" + spi + "'");
            }
            if (spiMode < 0 || spiMode > 3) {
                throw bad("--spi-mode must be 0 to 3");
            }
            if (spiBaud < 1) {
                throw bad("--spi-baud must be positive");
            }
            int biggest = BBQueue.maxFrameLength((int) framedQueue);
            if (lengthHeader != null) {
                if (lengthHeader < 1 || lengthHeader > 4) {
                    throw bad("--length-header must be 1 to 4 bytes");
                }
                if (maxPacket < TelemetryRecord.length(1) || maxPacket > biggest) {
                    throw bad("--max-packet must be " + TelemetryRecord.length(1) + " to " + biggest + " bytes");
                }
            } else if (packet < TelemetryRecord.length(1) || packet > biggest) {
                throw bad("--packet must be " + TelemetryRecord.length(1) + " to " + biggest
                        + " bytes (the smallest record is " + TelemetryRecord.length(1) + ")");
            }
            if (poll.toNanos() < 1000) {
                throw bad("--poll must be at least 1 us");
            }
            if (drdyGpio != null && (drdyGpio < 0 || drdyGpio > 53)) {
                throw bad("--drdy-gpio must be a BCM pin number, 0 to 53");
            }
        }
    }

    private void checkQueue(String name, long size) {
        if (size < 1024 || size > 1 << 30) {
            throw bad(name + " must be 1KiB to 1GiB");
        }
    }

    private picocli.CommandLine.ParameterException bad(String message) {
        return Cli.badValue(spec, message);
    }

    /** @return the longest frame the framed queue must take: the biggest record, or the biggest SPI packet */
    int maxRecordLength() {
        int record = TelemetryRecord.length(device.maxReadings);
        if (spi != null) {
            return lengthHeader != null ? maxPacket : packet;
        }
        return serial != null || queueFile != null ? TelemetryRecord.length(TelemetryRecord.MAX_READINGS) : record;
    }

    int spiBus() {
        return Integer.parseInt(spi.substring(0, spi.indexOf('.')));
    }

    int spiChipSelect() {
        return Integer.parseInt(spi.substring(spi.indexOf('.') + 1));
    }
}
