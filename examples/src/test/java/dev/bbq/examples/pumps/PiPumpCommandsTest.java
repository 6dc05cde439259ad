package dev.bbq.examples.pumps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.examples.Cli;
import dev.bbq.examples.Run;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code spi-pump} and {@code i2c-pump} without hardware: their options, defaults and one-line usage
 * errors (the device runs themselves need a Pi).
 */
class PiPumpCommandsTest {
    @Test
    void numbersAreDecimalOrHexWithPrefix() {
        assertEquals(104, IntConverter.parse("0x68"));
        assertEquals(59, IntConverter.parse("0x3B"));
        assertEquals(1_000_000, IntConverter.parse("1000000"));
        assertThrows(TypeConversionException.class, () -> IntConverter.parse("fast"));
        assertThrows(TypeConversionException.class, () -> IntConverter.parse("0xZZ"));
    }

    @Test
    void spiDefaultsAreThoseOfTheFormerMain() {
        SpiPumpCommand c = new SpiPumpCommand();
        new CommandLine(c).parseArgs();
        assertEquals(0, c.bus);
        assertEquals(0, c.cs);
        assertEquals(1_000_000, c.baud);
        assertEquals(0, c.mode);
        assertEquals(null, c.packet);
        assertEquals(null, c.lengthHeader);
        assertEquals(512, c.maxPacket);
        assertEquals(65_536, c.queue);
        assertEquals(10, c.seconds);
    }

    @Test
    void i2cOptionsAcceptHex() {
        I2cPumpCommand c = new I2cPumpCommand();
        new CommandLine(c).parseArgs("--device", "0x68", "--register", "0x3B", "--length", "14");
        assertEquals(1, c.bus);
        assertEquals(0x68, c.device);
        assertEquals(0x3B, c.register);
        assertEquals(14, c.length);
        assertEquals(10, c.pollMillis);
        assertEquals(16_384, c.queue);
        assertEquals(10, c.seconds);
    }

    @Test
    void badOptionsAreOneLineAndStatus2() {
        for (String[] args : new String[][] {
                {"i2c-pump"},
                {"i2c-pump", "--device", "sixty-eight"},
                {"spi-pump", "--packet", "32", "--length-header", "2"},
                {"spi-pump", "--poll-us", "1000", "--drdy-gpio", "25"},
                {"spi-pump", "--mode", "4"},
                {"spi-pump", "--bus"}}) {
            Run run = Run.of(args);
            assertEquals(Cli.USAGE, run.status, run.toString());
            assertEquals(1, run.errLines().length, run.toString());
            assertTrue(run.err.startsWith(args[0] + ": "), run.toString());
        }
    }
}
