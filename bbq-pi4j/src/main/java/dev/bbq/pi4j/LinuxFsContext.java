package dev.bbq.pi4j;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.linuxfs.provider.gpio.digital.LinuxFsDigitalInputProvider;
import com.pi4j.plugin.linuxfs.provider.i2c.LinuxFsI2CProvider;
import com.pi4j.plugin.linuxfs.provider.spi.LinuxFsSpiProvider;

/**
 * The production Pi4J context for the pumps, built explicitly with the LinuxFS providers:
 * SPI through {@code /dev/spidevB.C}, I2C through {@code /dev/i2c-N}, GPIO inputs (data-ready lines)
 * through the kernel's GPIO files. No root and no pigpio daemon needed; works on the Pi 5.
 *
 * <p>Not {@code Pi4J.newAutoContext()}: auto-detection silently picks the mock plugin on a machine
 * that is not a Pi when the mock jar is on the class path, prefers pigpio for SPI on a Pi 4 when
 * both are present, and loads the raspberrypi plugin's stub providers, which return 0 for everything.
 */
public final class LinuxFsContext {
    private LinuxFsContext() {
    }

    /**
     * A Pi4J context with exactly the providers the pumps use, so no other plugin is picked.
     *
     * @return a new context with the LinuxFS SPI, I2C and digital input providers; shut it down with
     *         {@link Context#shutdown()} when done
     */
    public static Context create() {
        return Pi4J.newContextBuilder()
                .add(LinuxFsSpiProvider.newInstance(), LinuxFsI2CProvider.newInstance(),
                        LinuxFsDigitalInputProvider.newInstance())
                .build();
    }
}
