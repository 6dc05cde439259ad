package dev.bbq.pi4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.spi.Spi;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;
import com.pi4j.plugin.mock.provider.spi.MockSpiProvider;
import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pumps through Pi4J's own SPI, I2C and GPIO interfaces, on Pi4J's mock platform (built
 * explicitly: never auto-detected). The mocks are loopback FIFOs: what a test writes, the next read
 * returns. A data-ready pin is raised by the test for each packet and lowered by the port after
 * the read, as a device's DRDY line is when its data has been clocked out.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MockPlatformTest {
    private Context pi4j;
    private MockDigitalInput drdy;

    @BeforeEach
    void mockContext() {
        pi4j = Pi4J.newContextBuilder()
                .add(new MockPlatform())
                .add(MockSpiProvider.newInstance(), MockI2CProvider.newInstance(),
                        MockDigitalInputProvider.newInstance())
                .build();
        drdy = (MockDigitalInput) pi4j.create(DigitalInput.newConfigBuilder(pi4j).id("drdy").address(25)
                .build());
        drdy.mockState(DigitalState.LOW);
    }

    @AfterEach
    void shutdown() {
        pi4j.shutdown();
    }

    @Test
    void spiPacketsTriggeredByDataReadyArriveInOrderAndIntact() throws Exception {
        Spi spi = pi4j.create(Spi.newConfigBuilder(pi4j).id("spi").bus(0).channel(0).baud(1_000_000).build());
        SpiPort pi4jPort = SpiPort.of(spi);
        byte[] sent = new byte[24];
        SpiPort port = (tx, txOff, rx, rxOff, len) -> {
            int r = pi4jPort.transfer(tx, txOff, rx, rxOff, len);
            // MockSpi appends what was sent to its receive FIFO: take it out, and check it was zeros.
            assertEquals(len, spi.read(sent, 0, len));
            assertArrayEquals(new byte[len], java.util.Arrays.copyOf(sent, len));
            drdy.mockState(DigitalState.LOW); // the device lowers DRDY once clocked out
            return r;
        };
        BBQueue queue = BBQueue.allocate(4096);
        FrameConsumer frames = queue.frameConsumer();
        try (SpiPump pump = SpiPump.builder(port, queue.frameProducer()).packetSize(24)
                .trigger(PumpTrigger.dataReady(drdy, DigitalState.HIGH)).start()) {
            for (int seq = 0; seq < 20; seq++) {
                spi.write(FakeSpiDevice.packet(seq, 24)); // primes the mock's receive FIFO
                drdy.mockState(DigitalState.HIGH);
                int expected = seq + 1;
                SpiPumpTest.awaitTrue(() -> pump.stats().packets() == expected, "packet " + expected + " arrived");
            }
            PumpStats s = pump.stats();
            assertEquals(20, s.triggers(), "one transfer per data-ready edge");
            assertEquals(20, s.packets());
            SpiPumpTest.assertAddsUp(s);
        }
        List<byte[]> got = SpiPumpTest.readAll(frames, 20);
        for (int seq = 0; seq < 20; seq++) {
            assertArrayEquals(FakeSpiDevice.packet(seq, 24), got.get(seq), "packet " + seq);
        }
        assertTrue(frames.isClosed());
    }

    @Test
    void i2cRegisterBlocksArriveInOrderAndIntact() throws Exception {
        I2C i2c = pi4j.create(I2C.newConfigBuilder(pi4j).id("i2c").bus(1).device(0x68).build());
        I2cPort pi4jPort = I2cPort.of(i2c);
        I2cPort port = (register, rx, off, len) -> {
            int r = pi4jPort.readRegister(register, rx, off, len);
            drdy.mockState(DigitalState.LOW);
            return r;
        };
        BBQueue queue = BBQueue.allocate(4096);
        FrameConsumer frames = queue.frameConsumer();
        try (I2cPump pump = I2cPump.builder(port, queue.frameProducer()).register(0x3B).length(14)
                .trigger(PumpTrigger.dataReady(drdy, DigitalState.HIGH)).start()) {
            for (int seq = 0; seq < 20; seq++) {
                i2c.writeRegister(0x3B, FakeSpiDevice.packet(seq, 14));
                drdy.mockState(DigitalState.HIGH);
                int expected = seq + 1;
                SpiPumpTest.awaitTrue(() -> pump.stats().packets() == expected, "block " + expected + " arrived");
            }
            assertEquals(0, pump.stats().failed());
            SpiPumpTest.assertAddsUp(pump.stats());
        }
        List<byte[]> got = SpiPumpTest.readAll(frames, 20);
        for (int seq = 0; seq < 20; seq++) {
            assertArrayEquals(FakeSpiDevice.packet(seq, 14), got.get(seq), "block " + seq);
        }
    }
}
