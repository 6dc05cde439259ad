package dev.bbq.examples.pumps;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiMode;
import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import dev.bbq.pi4j.LinuxFsContext;
import dev.bbq.pi4j.PumpTrigger;
import dev.bbq.pi4j.SpiPort;
import dev.bbq.pi4j.SpiPump;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/** The Pi4J side of {@link SpiPumpCommand}: needs Java 21. */
final class SpiPumpRun {
    private SpiPumpRun() {
    }

    static int run(SpiPumpCommand o, PrintWriter out) throws InterruptedException {
        Context pi4j = LinuxFsContext.create();
        try {
            Spi spi = pi4j.create(Spi.newConfigBuilder(pi4j).id("bbq-spi")
                    .bus(o.bus).channel(o.cs).baud(o.baud).mode(SpiMode.getByNumber(o.mode)).build());
            BBQueue queue = BBQueue.allocate(o.queue);
            FrameConsumer frames = queue.frameConsumer();
            SpiPump.Builder builder = SpiPump.builder(SpiPort.of(spi), queue.frameProducer());
            if (o.lengthHeader != null) {
                builder.lengthHeader(o.lengthHeader, o.maxPacket);
            } else {
                builder.packetSize(o.packet != null ? o.packet : 32);
            }
            if (o.drdyGpio != null) {
                DigitalInput drdy = pi4j.create(DigitalInput.newConfigBuilder(pi4j).id("bbq-drdy")
                        .address(o.drdyGpio).pull(PullResistance.PULL_DOWN).build());
                builder.trigger(PumpTrigger.dataReady(drdy, DigitalState.HIGH));
            } else {
                builder.trigger(PumpTrigger.polling(o.pollMicros != null ? o.pollMicros : 1000, TimeUnit.MICROSECONDS));
            }
            out.println("SPI bus " + o.bus + " cs " + o.cs + ", transfers of at most " + SpiPump.spidevBufferSize()
                    + " bytes");
            try (SpiPump pump = builder.start()) {
                return Reporter.run(frames, pump, queue, o.seconds, out);
            }
        } finally {
            pi4j.shutdown();
        }
    }
}
