package dev.bbq.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import java.util.concurrent.TimeUnit;

/**
 * Runs an {@link I2cPump} on real hardware through the LinuxFS provider and prints what arrives:
 *
 * <pre>
 * java -cp ... dev.bbq.pi4j.I2cPumpMain --bus 1 --device 0x68 --register 0x3B --length 14 --poll-ms 10 --seconds 10
 * </pre>
 *
 * Options: {@code --bus} (1), {@code --device} 7-bit address (required), {@code --register} first
 * register (0), {@code --length} block length (1), {@code --poll-ms} polling period (10),
 * {@code --queue} queue bytes (16384), {@code --seconds} run time (10).
 */
public final class I2cPumpMain {
    private static final String USAGE = "usage: I2cPumpMain [--bus 1] --device 0x68 [--register 0x3B] [--length 14] "
            + "[--poll-ms 10] [--queue 16384] [--seconds 10]";

    private I2cPumpMain() {
    }

    /**
     * @param argv see the class comment
     * @throws Exception if the device cannot be opened
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, USAGE);
        if (!args.has("device")) {
            throw new IllegalArgumentException("--device is required\n" + USAGE);
        }
        Context pi4j = LinuxFsContext.create();
        try {
            I2C i2c = pi4j.create(I2C.newConfigBuilder(pi4j).id("bbq-i2c")
                    .bus(args.integer("bus", 1)).device(args.integer("device", 0)).build());
            BBQueue queue = BBQueue.allocate(args.integer("queue", 16_384));
            FrameConsumer frames = queue.frameConsumer();
            I2cPump.Builder builder = I2cPump.builder(I2cPort.of(i2c), queue.frameProducer())
                    .register(args.integer("register", 0)).length(args.integer("length", 1))
                    .trigger(PumpTrigger.polling(args.integer("poll-ms", 10), TimeUnit.MILLISECONDS));
            try (I2cPump pump = builder.start()) {
                Reporter.run(frames, pump, queue, args.integer("seconds", 10));
            }
        } finally {
            pi4j.shutdown();
        }
    }
}
