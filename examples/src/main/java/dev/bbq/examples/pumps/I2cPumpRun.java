package dev.bbq.examples.pumps;

import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import dev.bbq.pi4j.I2cPort;
import dev.bbq.pi4j.I2cPump;
import dev.bbq.pi4j.LinuxFsContext;
import dev.bbq.pi4j.PumpTrigger;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/** The Pi4J side of {@link I2cPumpCommand}: needs Java 21. */
final class I2cPumpRun {
    private I2cPumpRun() {
    }

    static int run(I2cPumpCommand o, PrintWriter out) throws InterruptedException {
        Context pi4j = LinuxFsContext.create();
        try {
            I2C i2c = pi4j.create(I2C.newConfigBuilder(pi4j).id("bbq-i2c").bus(o.bus).device(o.device).build());
            BBQueue queue = BBQueue.allocate(o.queue);
            FrameConsumer frames = queue.frameConsumer();
            I2cPump.Builder builder = I2cPump.builder(I2cPort.of(i2c), queue.frameProducer())
                    .register(o.register).length(o.length)
                    .trigger(PumpTrigger.polling(o.pollMillis, TimeUnit.MILLISECONDS));
            try (I2cPump pump = builder.start()) {
                return Reporter.run(frames, pump, queue, o.seconds, out);
            }
        } finally {
            pi4j.shutdown();
        }
    }
}
