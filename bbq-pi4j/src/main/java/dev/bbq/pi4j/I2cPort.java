package dev.bbq.pi4j;

import com.pi4j.io.i2c.I2C;
import java.util.Objects;

/**
 * One I2C register-block read: what the {@link I2cPump} needs from a device. Arrays with absolute
 * offsets and lengths only (see {@link SpiPort} for why).
 */
@FunctionalInterface
public interface I2cPort {
    /**
     * Writes the register address, then reads {@code len} bytes from the device into {@code rx}.
     *
     * @param register the first register of the block
     * @param rx receives the bytes
     * @param off where they go
     * @param len how many to read
     * @return 0 or more on success, negative on failure
     */
    int readRegister(int register, byte[] rx, int off, int len);

    /**
     * The port over a Pi4J I2C device, calling {@link I2C#readRegister(int, byte[], int, int)}.
     *
     * @param i2c an I2C device from a Pi4J context
     * @return the port
     */
    static I2cPort of(I2C i2c) {
        Objects.requireNonNull(i2c, "i2c");
        return i2c::readRegister;
    }
}
