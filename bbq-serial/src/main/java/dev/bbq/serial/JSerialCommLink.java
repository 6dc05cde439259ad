package dev.bbq.serial;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import java.io.IOException;

/**
 * A {@link SerialLink} over jSerialComm.
 *
 * <p>Traps this class steps around (see the team's pi4j-serial notes): {@code readBytes} and
 * {@code writeBytes} take {@code (buffer, count, offset)}, in that order; and jSerialComm hands
 * the whole Java array to JNI with {@code Get/ReleaseByteArrayElements}, which copies the entire
 * array in and back out on every call. The pumps therefore only ever pass their small staging
 * arrays here, never a queue's backing array (which would cost two copies of the whole ring per
 * call, and would write stale bytes back over a region the consumer may be decoding in place).
 */
final class JSerialCommLink implements SerialLink {
    private final SerialPort port;
    private final String name;

    private JSerialCommLink(SerialPort port, String name) {
        this.port = port;
        this.name = name;
    }

    static JSerialCommLink open(SerialSettings settings) throws IOException {
        SerialPort port;
        try {
            port = SerialPort.getCommPort(settings.port());
        } catch (SerialPortInvalidPortException e) {
            throw new IOException("serial port " + settings.port() + " does not exist: " + e.getMessage(), e);
        }
        port.setComPortParameters(settings.baudRate(), settings.dataBits(),
                settings.stopBits() == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT,
                parity(settings.parity()));
        // Semi-blocking reads: VMIN 0, VTIME = timeout / 100 ms. Not TIMEOUT_WRITE_BLOCKING: on Linux
        // it adds a tcdrain() after each write, which has no timeout and, on a stalled line, never returns.
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, settings.readTimeoutMillis(), 0);
        if (!port.openPort()) {
            throw new IOException("cannot open serial port " + settings.port() + " (error " + port.getLastErrorCode()
                    + " at " + port.getLastErrorLocation() + "): does it exist, and is the user in group dialout?");
        }
        return new JSerialCommLink(port, settings.port());
    }

    private static int parity(SerialSettings.Parity parity) {
        switch (parity) {
            case ODD:
                return SerialPort.ODD_PARITY;
            case EVEN:
                return SerialPort.EVEN_PARITY;
            default:
                return SerialPort.NO_PARITY;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) {
        return port.readBytes(b, len, off);
    }

    @Override
    public int write(byte[] b, int off, int len) {
        return port.writeBytes(b, len, off);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String lastError() {
        return "error " + port.getLastErrorCode() + " at " + port.getLastErrorLocation();
    }

    @Override
    public void close() {
        port.closePort();
    }
}
