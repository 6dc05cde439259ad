package dev.bbq.it.modulepath;

import dev.bbq.BBQueue;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;
import dev.bbq.serial.SerialSettings;
import dev.bbq.wire.Deframer;
import dev.bbq.wire.FrameCheck;
import dev.bbq.wire.FrameEncoder;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a user's program does first, run once on the module path and once on the class path: frames
 * through a queue, the wire encoding and the deframer, and serial settings. Exits non-zero on any
 * difference, and when it was not loaded the way the build says ("module" or "classpath").
 */
public final class Main {

    public static void main(String[] args) throws Exception {
        String expected = args.length > 0 ? args[0] : "";
        Module own = Main.class.getModule();
        Module core = BBQueue.class.getModule();
        String loaded = own.isNamed() ? "module" : "classpath";
        check(loaded.equals(expected), "loaded on the " + loaded + ", expected " + expected);
        if (own.isNamed()) {
            check(core.getName().equals("dev.bbq.core"), "bbq-core is module " + core.getName());
            check(SerialSettings.class.getModule().getName().equals("dev.bbq.serial"),
                    "bbq-serial is module " + SerialSettings.class.getModule().getName());
            check(!core.getDescriptor().isAutomatic(), "bbq-core has a module descriptor");
        }

        BBQueue queue = BBQueue.allocate(1024);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        byte[] message = "hello from a user's program".getBytes(StandardCharsets.UTF_8);
        check(producer.tryWrite(message, 0, message.length), "a frame fits in an empty queue");
        Frame frame = consumer.tryRead();
        check(frame != null, "the frame arrives");
        byte[] got = new byte[frame.length()];
        frame.buffer().get(got);
        frame.release();
        check(Arrays.equals(message, got), "the frame arrives whole");

        FrameEncoder encoder = new FrameEncoder(FrameCheck.CRC16_CCITT_FALSE);
        byte[] wire = new byte[encoder.maxEncodedLength(message.length)];
        int n = encoder.encode(message, 0, message.length, wire, 0);
        byte[][] decoded = new byte[1][];
        int frames = new Deframer(256, FrameCheck.CRC16_CCITT_FALSE).accept(wire, 0, n, f -> {
            decoded[0] = new byte[f.remaining()];
            f.get(decoded[0]);
        });
        check(frames == 1 && Arrays.equals(message, decoded[0]), "COBS/CRC round trip");

        SerialSettings settings = SerialSettings.builder("/dev/ttyAMA0").baudRate(921_600).build();
        check(settings.baudRate() == 921_600, "serial settings");

        System.out.println("module-path consumer: OK on the " + loaded + ", Java " + Runtime.version()
                + ", bbq-core " + (core.isNamed() ? "module " + core.getName() : "unnamed module"));
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            System.out.println("module-path consumer: FAILED: " + what);
            System.exit(1);
        }
    }
}
