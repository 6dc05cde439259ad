package dev.bbq.examples.telemetry;

import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.examples.Cli;
import dev.bbq.serial.SerialConnection;
import dev.bbq.serial.SerialPump;
import dev.bbq.serial.SerialSettings;
import java.io.IOException;

/**
 * A real UART (or a pseudo-terminal, or a USB serial adapter): bbq-serial's {@link SerialPump}
 * reads it into the raw queue on its driver thread. The device must send each record as a wire frame,
 * {@code COBS(record + check) 0x00} with the check chosen by {@code --check}, exactly as the simulated
 * device and {@code telemetry-device} do.
 */
final class SerialSource extends PumpSource<SerialPump> {
    private final SerialConnection connection;

    private SerialSource(SerialConnection connection) {
        this.connection = connection;
    }

    /**
     * Opens the port now, so an unusable one is a one-line error before anything runs.
     *
     * @throws Cli.Failure if the port cannot be opened
     */
    static SerialSource open(String port, int baud) {
        SerialSettings settings;
        try {
            settings = SerialSettings.builder(port).baudRate(baud).build();
        } catch (IllegalArgumentException e) {
            throw new Cli.Failure(e.getMessage(), Cli.USAGE);
        }
        try {
            return new SerialSource(SerialConnection.open(settings));
        } catch (IOException e) {
            throw new Cli.Failure(Cli.oneLineMessage(e) + hint(port), Cli.FAILED);
        }
    }

    private static String hint(String port) {
        if (!java.nio.file.Files.exists(java.nio.file.Path.of(port))) {
            return "";
        }
        return " (is the user in group dialout, and is no other program using the port?)";
    }

    @Override
    public String description() {
        SerialSettings s = connection.settings();
        return "serial port " + s.port() + " at " + s.baudRate() + " baud";
    }

    @Override
    public boolean framed() {
        return false;
    }

    @Override
    SerialPump startPump(Producer raw, FrameProducer framed) {
        return connection.startPump(raw);
    }

    @Override
    public long framesDropped() {
        return 0;
    }

    @Override
    public long bytesDropped() {
        SerialPump pump = pump();
        return pump == null ? 0 : pump.stats().bytesDropped();
    }

    @Override
    void closeDevice() {
        connection.close();
    }
}
