package dev.bbq.pi4j;

import com.pi4j.io.spi.Spi;
import java.util.Objects;

/**
 * One full-duplex SPI transfer: what the {@link SpiPump} needs from a device, and all it asks of
 * Pi4J. Arrays with absolute offsets and lengths only: Pi4J's {@code ByteBuffer} overloads ignore
 * offsets ({@code transfer(ByteBuffer, int, ...)} reads from index 0 of the backing array and
 * allocates a temporary array per call), so they are never used.
 */
@FunctionalInterface
public interface SpiPort {
    /**
     * Clocks {@code len} bytes out of {@code tx} from {@code txOff} while clocking {@code len} bytes in
     * to {@code rx} from {@code rxOff}, as one transfer (chip select held throughout).
     *
     * @param tx bytes to send
     * @param txOff where they start
     * @param rx receives the device's bytes
     * @param rxOff where they go
     * @param len the transfer's length
     * @return 0 or more on success (providers disagree on the count, so it is not trusted), negative on failure
     */
    int transfer(byte[] tx, int txOff, byte[] rx, int rxOff, int len);

    /**
     * The port over a Pi4J SPI device, calling its array primitive
     * {@link Spi#transfer(byte[], int, byte[], int, int)}.
     *
     * @param spi an SPI device from a Pi4J context
     * @return the port
     */
    static SpiPort of(Spi spi) {
        Objects.requireNonNull(spi, "spi");
        return spi::transfer;
    }
}
