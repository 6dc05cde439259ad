package dev.bbq.serial;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * How to open a serial port and how the pumps use it: port name, line settings, the read timeout,
 * the staging array size and the overrun policy. There is no write timeout: jSerialComm has none on
 * Linux (a write returns once the kernel has taken the bytes, and blocks while the line is held up,
 * for example by hardware flow control). Immutable; made with {@link #builder(String)}:
 *
 * <pre>{@code
 * SerialSettings settings = SerialSettings.builder("/dev/ttyAMA0").baudRate(921_600).build();
 * }</pre>
 */
public final class SerialSettings {
    /** Parity bit. */
    public enum Parity {
        /** No parity bit (8N1 and friends). */
        NONE,
        /** Odd parity. */
        ODD,
        /** Even parity. */
        EVEN
    }

    private final String port;
    private final int baudRate;
    private final int dataBits;
    private final int stopBits;
    private final Parity parity;
    private final int readTimeoutMillis;
    private final int stagingSize;
    private final long overrunWaitNanos;

    private SerialSettings(Builder b) {
        this.port = b.port;
        this.baudRate = b.baudRate;
        this.dataBits = b.dataBits;
        this.stopBits = b.stopBits;
        this.parity = b.parity;
        this.readTimeoutMillis = b.readTimeoutMillis;
        this.stagingSize = b.stagingSize;
        this.overrunWaitNanos = b.overrunWaitNanos;
    }

    /**
     * Settings for a port, with defaults: 115200 baud 8N1, 100 ms read timeout, a 4 KiB staging
     * array and a 100 ms overrun wait.
     *
     * @param port the device, for example {@code /dev/ttyAMA0}, {@code /dev/serial0}, {@code /dev/ttyUSB0}
     *        or a pseudo-terminal
     * @return a builder
     */
    public static Builder builder(String port) {
        return new Builder(port);
    }

    /**
     * The serial device these settings open.
     *
     * @return the device name
     */
    public String port() {
        return port;
    }

    /**
     * The line speed in bits per second.
     *
     * @return the baud rate
     */
    public int baudRate() {
        return baudRate;
    }

    /**
     * The character size on the line.
     *
     * @return data bits per character, 5 to 8
     */
    public int dataBits() {
        return dataBits;
    }

    /**
     * The stop bits that end each character on the line.
     *
     * @return stop bits, 1 or 2
     */
    public int stopBits() {
        return stopBits;
    }

    /**
     * The parity bit the line carries, if any.
     *
     * @return the parity
     */
    public Parity parity() {
        return parity;
    }

    /**
     * The read timeout in milliseconds, a multiple of 100.
     *
     * @return how long a read waits for a first byte; also how quickly a pump notices a stop request
     */
    public int readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /**
     * The size of the array a pump moves bytes through.
     *
     * @return the size of each pump's reused staging array: the most bytes one port call moves
     */
    public int stagingSize() {
        return stagingSize;
    }

    /**
     * The overrun wait in nanoseconds.
     *
     * @return how long the serial pump waits for room in a full queue before it drops what it read
     */
    public long overrunWaitNanos() {
        return overrunWaitNanos;
    }

    @Override
    public String toString() {
        return "SerialSettings[" + port + " " + baudRate + " " + dataBits + parity.name().charAt(0) + stopBits
                + ", readTimeout=" + readTimeoutMillis + " ms, staging="
                + stagingSize + ", overrunWait=" + TimeUnit.NANOSECONDS.toMillis(overrunWaitNanos) + " ms]";
    }

    /** Builds {@link SerialSettings}; every setter checks its argument at once. */
    public static final class Builder {
        private final String port;
        private int baudRate = 115_200;
        private int dataBits = 8;
        private int stopBits = 1;
        private Parity parity = Parity.NONE;
        private int readTimeoutMillis = 100;
        private int stagingSize = 4096;
        private long overrunWaitNanos = TimeUnit.MILLISECONDS.toNanos(100);

        private Builder(String port) {
            this.port = Objects.requireNonNull(port, "port");
            if (port.isEmpty()) {
                throw new IllegalArgumentException("port name is empty");
            }
        }

        /**
         * Sets the line speed both ends must agree on; 115 200 by default.
         *
         * @param baudRate bits per second, at least 1 (ignored by pseudo-terminals)
         * @return this builder
         */
        public Builder baudRate(int baudRate) {
            if (baudRate < 1) {
                throw new IllegalArgumentException("baud rate " + baudRate + ": must be positive");
            }
            this.baudRate = baudRate;
            return this;
        }

        /**
         * Sets the character size; 8 by default.
         *
         * @param dataBits 5 to 8
         * @return this builder
         */
        public Builder dataBits(int dataBits) {
            if (dataBits < 5 || dataBits > 8) {
                throw new IllegalArgumentException("data bits " + dataBits + ": must be 5 to 8");
            }
            this.dataBits = dataBits;
            return this;
        }

        /**
         * Sets the stop bits that end each character; 1 by default.
         *
         * @param stopBits 1 or 2
         * @return this builder
         */
        public Builder stopBits(int stopBits) {
            if (stopBits != 1 && stopBits != 2) {
                throw new IllegalArgumentException("stop bits " + stopBits + ": must be 1 or 2");
            }
            this.stopBits = stopBits;
            return this;
        }

        /**
         * Sets the parity bit; none by default.
         *
         * @param parity the parity bit
         * @return this builder
         */
        public Builder parity(Parity parity) {
            this.parity = Objects.requireNonNull(parity, "parity");
            return this;
        }

        /**
         * How long a read waits for its first byte; also how quickly a pump notices a stop request.
         * Linux counts in tenths of a second (termios {@code VTIME}): the value is rounded down to a
         * multiple of 100 ms, and must be at least 100 ms (below that a read would not wait at all
         * and the pump would spin).
         *
         * @param timeout at least 100 ms
         * @param unit its unit
         * @return this builder
         */
        public Builder readTimeout(long timeout, TimeUnit unit) {
            long ms = unit.toMillis(timeout);
            if (ms < 100 || ms > 25_500) {
                throw new IllegalArgumentException("read timeout of " + ms
                        + " ms: must be 100 ms to 25.5 s (Linux counts it in tenths of a second, up to 255)");
            }
            this.readTimeoutMillis = (int) (ms / 100 * 100);
            return this;
        }

        /**
         * Sets the size of the reused array each pump call moves bytes through: the most bytes one
         * port call moves.
         *
         * @param bytes the staging array size, 1 to 1 MiB; 4096 (the Linux tty buffer) by default
         * @return this builder
         */
        public Builder stagingSize(int bytes) {
            if (bytes < 1 || bytes > 1 << 20) {
                throw new IllegalArgumentException("staging size " + bytes + ": must be 1 to 1048576");
            }
            this.stagingSize = bytes;
            return this;
        }

        /**
         * How long the serial pump waits for room in a full queue before it drops the bytes it has
         * read and counts an overrun. While it waits it does not read the port, and the kernel's
         * buffer (4 KiB plus the tty flip buffers) is all that holds incoming bytes.
         *
         * @param wait 0 or more (0: drop at once)
         * @param unit its unit
         * @return this builder
         */
        public Builder overrunWait(long wait, TimeUnit unit) {
            if (wait < 0) {
                throw new IllegalArgumentException("overrun wait " + wait + ": must not be negative");
            }
            this.overrunWaitNanos = unit.toNanos(wait);
            return this;
        }

        /**
         * Makes the settings; nothing is opened yet.
         *
         * @return the settings
         */
        public SerialSettings build() {
            return new SerialSettings(this);
        }
    }
}
