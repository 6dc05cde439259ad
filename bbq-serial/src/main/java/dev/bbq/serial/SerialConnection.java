package dev.bbq.serial;

import dev.bbq.Consumer;
import dev.bbq.Producer;
import java.io.IOException;
import java.util.Objects;

/**
 * An open serial port that a {@link SerialPump} (port to queue) and a {@link SerialSink} (queue to
 * port) can share, one of each, on their own threads:
 *
 * <pre>{@code
 * try (SerialConnection port = SerialConnection.open(SerialSettings.builder("/dev/ttyAMA0").build());
 *      SerialPump pump = port.startPump(rx.producer());
 *      SerialSink sink = port.startSink(tx.consumer())) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Closing the connection closes the port; close the pump and the sink first (try-with-resources
 * does, in reverse order).
 */
public final class SerialConnection implements AutoCloseable {
    private final SerialLink link;
    private final SerialSettings settings;

    SerialConnection(SerialLink link, SerialSettings settings) {
        this.link = link;
        this.settings = settings;
    }

    /**
     * Opens the port with jSerialComm: line settings as given, semi-blocking reads with the read
     * timeout, blocking writes (no write timeout: jSerialComm has none on Linux).
     *
     * @param settings the port and how to use it
     * @return the open connection
     * @throws IOException if the port does not exist or cannot be opened (permissions: group {@code dialout})
     */
    public static SerialConnection open(SerialSettings settings) throws IOException {
        Objects.requireNonNull(settings, "settings");
        return new SerialConnection(JSerialCommLink.open(settings), settings);
    }

    /**
     * The settings this connection was opened with.
     *
     * @return the settings the port was opened with
     */
    public SerialSettings settings() {
        return settings;
    }

    /**
     * Starts a driver thread that reads the port into {@code producer}'s queue.
     *
     * @param producer the raw queue's producer; the pump owns it from now on and closes it when it stops
     * @return the running pump
     */
    public SerialPump startPump(Producer producer) {
        return SerialPump.start(link, settings, producer);
    }

    /**
     * Starts a driver thread that writes what {@code consumer}'s queue receives to the port.
     *
     * @param consumer the raw queue's consumer; the sink owns it from now on and closes it when it stops
     * @return the running sink
     */
    public SerialSink startSink(Consumer consumer) {
        return SerialSink.start(link, settings, consumer);
    }

    /** Closes the port. Idempotent. */
    @Override
    public void close() {
        link.close();
    }

    @Override
    public String toString() {
        return "SerialConnection[" + settings + "]";
    }
}
