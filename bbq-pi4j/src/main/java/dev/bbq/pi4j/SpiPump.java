package dev.bbq.pi4j;

import dev.bbq.FrameProducer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The SPI driver thread: on each trigger, clocks one packet out of the device with full-duplex
 * transfers straight into a frame grant of a framed queue, one frame per packet.
 *
 * <pre>{@code
 * SpiPump pump = SpiPump.builder(SpiPort.of(spi), queue.frameProducer())
 *         .packetSize(32)
 *         .trigger(PumpTrigger.polling(1, TimeUnit.MILLISECONDS))
 *         .start();
 * }</pre>
 *
 * <p>The packet length is fixed ({@link Builder#packetSize(int)}) or read from the device
 * ({@link Builder#lengthHeader(int, int)}: a transfer of a 1 to 4 byte big-endian length, then one
 * of that many bytes; 0 means the device has nothing). The bytes sent while reading are zeros.
 * Transfers longer than {@link Builder#maxTransferSize(int)} (the spidev buffer,
 * {@code /sys/module/spidev/parameters/bufsiz}, 4096 by default) are split into chunks, because
 * Pi4J's LinuxFS {@code transfer} makes one ioctl per call and the kernel refuses larger ones; chip
 * select may toggle between chunks. See {@link PumpDriver} for the queue side, drops and stopping.
 */
public final class SpiPump extends PumpDriver {
    private final SpiPort port;
    private final int packetSize;
    private final int headerBytes;
    private final int maxPacket;
    private final int maxTransfer;
    private final byte[] tx;
    private final byte[] header;

    private SpiPump(Builder b) {
        super("bbq-spi-pump", b.options, b.maxPacket());
        this.port = b.port;
        this.packetSize = b.packetSize;
        this.headerBytes = b.headerBytes;
        this.maxPacket = b.maxPacket();
        this.maxTransfer = b.maxTransfer;
        this.tx = new byte[Math.min(maxTransfer, maxPacket)];
        this.header = new byte[4];
    }

    /**
     * Starts configuring a pump that moves packets from an SPI device into a framed queue.
     *
     * @param port the SPI device ({@link SpiPort#of(com.pi4j.io.spi.Spi)} for Pi4J)
     * @param out the framed queue's producer; the pump owns it once started and closes it when it stops
     * @return a builder
     */
    public static Builder builder(SpiPort port, FrameProducer out) {
        return new Builder(port, out);
    }

    /**
     * The spidev driver's transfer buffer size, from {@code /sys/module/spidev/parameters/bufsiz},
     * or 4096 (the kernel default) where that file does not exist.
     *
     * @return the largest single SPI transfer the kernel accepts
     */
    public static int spidevBufferSize() {
        Path p = Path.of("/sys/module/spidev/parameters/bufsiz");
        try {
            return Integer.parseInt(Files.readString(p, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return 4096;
        }
    }

    @Override
    void pumpOne() throws IOException {
        int len = packetSize;
        if (headerBytes > 0) {
            if (!read(header, 0, headerBytes)) {
                failed("reading the " + headerBytes + "-byte length");
                return;
            }
            len = 0;
            for (int i = 0; i < headerBytes; i++) {
                len = (len << 8) | (header[i] & 0xFF);
            }
            if (len == 0) {
                add(EMPTY, 1);
                return;
            }
            if (len < 0 || len > maxPacket) {
                add(BAD_LENGTHS, 1);
                return;
            }
        }
        readPacket(len);
    }

    @Override
    boolean read(byte[] rx, int off, int len) {
        for (int at = 0; at < len; ) {
            int n = Math.min(len - at, maxTransfer);
            add(TRANSFERS, 1);
            if (port.transfer(tx, 0, rx, off + at, n) < 0) {
                return false;
            }
            at += n;
        }
        return true;
    }

    @Override
    String device() {
        return "SPI device";
    }

    /** Configures and starts an {@link SpiPump}. */
    public static final class Builder {
        private final SpiPort port;
        private final PumpOptions options;
        private int packetSize = -1;
        private int headerBytes;
        private int maxLength;
        private int maxTransfer = spidevBufferSize();

        private Builder(SpiPort port, FrameProducer out) {
            this.port = Objects.requireNonNull(port, "port");
            this.options = new PumpOptions(out, PumpTrigger.polling(1, TimeUnit.MILLISECONDS));
        }

        /**
         * Every packet has {@code bytes} bytes.
         *
         * @param bytes 1 to the queue's {@link FrameProducer#maxFrameLength()}
         * @return this builder
         */
        public Builder packetSize(int bytes) {
            options.checkLength("packet", bytes);
            this.packetSize = bytes;
            this.headerBytes = 0;
            return this;
        }

        /**
         * Each packet's length is read from the device first: a transfer of {@code headerBytes} bytes
         * holding a big-endian length (0: nothing to read), then a transfer of that many bytes.
         * Lengths above {@code maxPacketSize} are counted ({@link PumpStats#badLengths()}) and skipped.
         *
         * @param headerBytes 1 to 4
         * @param maxPacketSize 1 to the queue's {@link FrameProducer#maxFrameLength()}
         * @return this builder
         */
        public Builder lengthHeader(int headerBytes, int maxPacketSize) {
            if (headerBytes < 1 || headerBytes > 4) {
                throw new IllegalArgumentException("length header of " + headerBytes + " bytes: must be 1 to 4");
            }
            options.checkLength("packet", maxPacketSize);
            this.headerBytes = headerBytes;
            this.maxLength = maxPacketSize;
            this.packetSize = -1;
            return this;
        }

        /**
         * Bounds one SPI transfer, for drivers with a small buffer (spidev's {@code bufsiz}).
         *
         * @param bytes the largest single transfer, at least 1; longer packets are chunked
         * @return this builder
         */
        public Builder maxTransferSize(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max transfer size " + bytes + ": must be at least 1");
            }
            this.maxTransfer = bytes;
            return this;
        }

        /**
         * Chooses what makes the pump read a packet: a timer or the device's data-ready line.
         *
         * @param trigger when to read a packet; polling every millisecond by default. The pump closes it when it stops.
         * @return this builder
         */
        public Builder trigger(PumpTrigger trigger) {
            options.trigger(trigger);
            return this;
        }

        /**
         * Sets how many device failures in a row the pump tolerates before it gives up.
         *
         * @param n failed transfers in a row that stop the pump with a {@link SpiPump#failure() failure},
         *        at least 1 (10 by default)
         * @return this builder
         */
        public Builder maxConsecutiveFailures(int n) {
            options.maxConsecutiveFailures(n);
            return this;
        }

        private int maxPacket() {
            return headerBytes > 0 ? maxLength : packetSize;
        }

        /**
         * Starts the pump thread.
         *
         * @return the running pump
         * @throws IllegalStateException if neither a packet size nor a length header was set
         */
        public SpiPump start() {
            if (packetSize < 0 && headerBytes == 0) {
                throw new IllegalStateException("set packetSize(n) or lengthHeader(bytes, max) before start()");
            }
            SpiPump pump = new SpiPump(this);
            pump.start();
            return pump;
        }
    }
}
