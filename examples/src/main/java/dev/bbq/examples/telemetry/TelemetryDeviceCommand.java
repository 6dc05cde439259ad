package dev.bbq.examples.telemetry;

import dev.bbq.BBQueue;
import dev.bbq.Producer;
import dev.bbq.QueueClosedException;
import dev.bbq.ReusableWriteGrant;
import dev.bbq.examples.Cli;
import dev.bbq.serial.SerialConnection;
import dev.bbq.serial.SerialSettings;
import dev.bbq.serial.SerialSink;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code telemetry-device}: the telemetry demo's simulated microcontroller on a real serial port,
 * so that {@code telemetry --serial} can be tried with two ports wired together (two USB serial
 * adapters, a Pi's UART looped to an adapter, or a {@code socat} pseudo-terminal pair). The device
 * encodes into a raw queue, and bbq-serial's {@link SerialSink} writes that queue to the port.
 */
@Command(name = "telemetry-device", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Emulates the telemetry demo's microcontroller on a serial port: the same COBS-framed "
                + "sensor records, rate, size mix and injected noise as the in-process device. Run "
                + "'telemetry --serial OTHER_PORT' on the receiving end first.", ""})
public final class TelemetryDeviceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--serial", required = true, paramLabel = "PORT",
            description = "The port to send on, for example /dev/ttyUSB0 or a pseudo-terminal.")
    String serial;

    @Option(names = "--baud", defaultValue = "115200", paramLabel = "RATE",
            description = "Baud rate (default: ${DEFAULT-VALUE}); at 115200 baud the line carries about 11 KiB/s, "
                    + "so lower --rate to match (a 40-byte frame at 250 frames/s).")
    int baud;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        device.validate(spec);
        PrintWriter out = spec.commandLine().getOut();
        SerialSettings settings;
        try {
            settings = SerialSettings.builder(serial).baudRate(baud).build();
        } catch (IllegalArgumentException e) {
            throw Cli.badValue(spec, e.getMessage());
        }
        try (SerialConnection port = open(settings)) {
            BBQueue tx = BBQueue.allocate(64 * 1024);
            SerialSink sink = port.startSink(tx.consumer());
            SimulatedDevice sim = new SimulatedDevice(new QueueLine(tx.producer()), device.settings(),
                    SimulatedSource.TX_BUFFER);
            long start = System.nanoTime();
            sim.start();
            long end = start + device.duration.toNanos();
            while (System.nanoTime() - end < 0 && sim.isRunning() && sink.isRunning()) {
                TimeUnit.MILLISECONDS.sleep(Math.max(1, Math.min(100, (end - System.nanoTime()) / 1_000_000)));
            }
            sim.stop();
            sim.awaitEnd(15, TimeUnit.SECONDS);
            sink.awaitStop(30, TimeUnit.SECONDS); // the sink ends once it has written everything
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println(String.format(Locale.ROOT, "telemetry-device: %,d frames sent on %s in %.1f s (%,.0f frames/s, "
                    + "%s), %,d damaged on purpose, %,d dropped (transmit buffer full)",
                    sim.counter(SimulatedDevice.SENT), serial, seconds, sim.counter(SimulatedDevice.SENT) / seconds,
                    Cli.bytes(sim.counter(SimulatedDevice.BYTES)), sim.counter(SimulatedDevice.DAMAGED),
                    sim.counter(SimulatedDevice.OVERRUNS)));
            if (sink.failure() != null) {
                throw new Cli.Failure(Cli.oneLineMessage(sink.failure()), Cli.FAILED);
            }
            if (sim.failure() != null) {
                throw new Cli.Failure("device: " + Cli.oneLineMessage(sim.failure()), Cli.FAILED);
            }
            return Cli.OK;
        }
    }

    private static SerialConnection open(SerialSettings settings) {
        try {
            return SerialConnection.open(settings);
        } catch (IOException e) {
            throw new Cli.Failure(Cli.oneLineMessage(e), Cli.FAILED);
        }
    }

    /** The device's line: copies into the raw queue that the serial sink drains; takes nothing when full. */
    private static final class QueueLine implements SimulatedDevice.Line {
        private final Producer producer;
        /** One grant object for every write: the device thread allocates nothing per write. */
        private final ReusableWriteGrant grant = new ReusableWriteGrant();

        QueueLine(Producer producer) {
            this.producer = producer;
        }

        @Override
        public int write(ByteBuffer bytes) throws IOException {
            try {
                if (!producer.tryGrantMax(bytes.remaining(), grant)) {
                    return 0;
                }
                try {
                    int n = grant.length();
                    grant.buffer().put(0, bytes, bytes.position(), n);
                    bytes.position(bytes.position() + n);
                    grant.commit(n);
                    return n;
                } finally {
                    grant.close();
                }
            } catch (QueueClosedException e) {
                throw new IOException("the serial sink has stopped", e);
            }
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
