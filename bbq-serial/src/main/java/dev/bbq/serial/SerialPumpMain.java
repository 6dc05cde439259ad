package dev.bbq.serial;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.WriteGrant;
import dev.bbq.wire.Deframer;
import dev.bbq.wire.FrameCheck;
import dev.bbq.wire.FrameEncoder;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the serial pump on a real port:
 *
 * <pre>
 * SerialPumpMain loopback /dev/serial0 [--baud 921600] [--frames 10000] [--size 64]
 * SerialPumpMain receive  /dev/serial0 [--baud 115200] [--check crc16|crc32c|none] [--max 256] [--seconds 60]
 * </pre>
 *
 * {@code loopback} needs the port's TX wired to its RX: a {@link SerialSink} sends numbered COBS
 * frames with CRC-32C, a {@link SerialPump} receives them, a {@link Deframer} checks them; the exit
 * status is 0 only if every frame came back intact and in order. The sender keeps at most
 * {@value #WINDOW} bytes in flight (sent, not yet received), so the kernel's tty buffers never
 * overflow and a lost byte shows as a loss rather than as a stall. {@code receive} deframes what a
 * device sends and prints the counters every second.
 */
public final class SerialPumpMain {
    private static final String USAGE =
            "usage: SerialPumpMain loopback PORT [--baud 921600] [--frames 10000] [--size 64]\n"
            + "       SerialPumpMain receive PORT [--baud 115200] [--check crc16|crc32c|none] [--max 256]"
            + " [--seconds 60]";

    /** Bytes the loopback test lets be sent and not yet received: the Linux tty buffer is 4096. */
    static final int WINDOW = 2048;

    private SerialPumpMain() {
    }

    /**
     * @param argv see the class comment
     * @throws Exception if the port cannot be opened
     */
    public static void main(String[] argv) throws Exception {
        System.exit(run(argv));
    }

    /** Runs a mode and returns the exit status: 0 success, 1 frames lost or port failed, 2 bad arguments. */
    static int run(String[] argv) throws Exception {
        if (argv.length < 2 || argv.length % 2 != 0) {
            System.err.println(USAGE);
            return 2;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 2; i < argv.length; i += 2) {
            options.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        boolean loopback = argv[0].equals("loopback");
        if (!loopback && !argv[0].equals("receive")) {
            System.err.println(USAGE);
            return 2;
        }
        int baud = Integer.parseInt(options.getOrDefault("baud", loopback ? "921600" : "115200"));
        SerialSettings settings = SerialSettings.builder(argv[1]).baudRate(baud).build();
        System.out.println(settings);
        return loopback
                ? loopback(settings, Integer.parseInt(options.getOrDefault("frames", "10000")),
                        Integer.parseInt(options.getOrDefault("size", "64")))
                : receive(settings, check(options.getOrDefault("check", "crc16")),
                        Integer.parseInt(options.getOrDefault("max", "256")),
                        Integer.parseInt(options.getOrDefault("seconds", "60")));
    }

    private static FrameCheck check(String name) {
        switch (name) {
            case "crc16":
                return FrameCheck.CRC16_CCITT_FALSE;
            case "crc32c":
                return FrameCheck.CRC32C;
            case "none":
                return FrameCheck.NONE;
            default:
                throw new IllegalArgumentException("--check " + name + ": expected crc16, crc32c or none");
        }
    }

    private static int loopback(SerialSettings settings, int frames, int size) throws Exception {
        BBQueue out = BBQueue.allocate(16 * 1024);
        BBQueue in = BBQueue.allocate(64 * 1024);
        Producer sending = out.producer();
        Consumer received = in.consumer();
        Deframer deframer = new Deframer(Math.max(size, 8), FrameCheck.CRC32C);
        AtomicLong next = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        try (SerialConnection port = SerialConnection.open(settings);
             SerialPump pump = port.startPump(in.producer());
             SerialSink sink = port.startSink(out.consumer())) {
            Thread deframing = new Thread(() -> {
                try {
                    deframer.run(received, frame -> {
                        if (frame.remaining() < 8 || frame.getLong(frame.position()) != next.getAndIncrement()) {
                            wrong.incrementAndGet();
                        }
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "deframer");
            deframing.start();
            FrameEncoder encoder = new FrameEncoder(FrameCheck.CRC32C);
            byte[] payload = new byte[Math.max(size, 8)];
            long start = System.nanoTime();
            long sentBytes = 0;
            int window = Math.max(0, WINDOW - encoder.maxEncodedLength(payload.length));
            for (long seq = 0; seq < frames; seq++) {
                long stalled = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (sentBytes - pump.stats().bytesTransferred() > window && pump.isRunning()
                        && System.nanoTime() < stalled) {
                    Thread.sleep(0, 100_000);
                }
                ByteBuffer.wrap(payload).putLong(0, seq);
                WriteGrant grant = sending.grantExact(encoder.maxEncodedLength(payload.length), 10, TimeUnit.SECONDS);
                if (grant == null) {
                    System.out.println("the sink stopped: " + sink.failure());
                    break;
                }
                int n = encoder.encode(payload, 0, payload.length, grant.buffer(), 0);
                grant.commit(n);
                sentBytes += n;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (next.get() + deframer.stats().errors() < frames && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pump.close();
            deframing.join(5000);
            System.out.printf("sent %d frames, received %d in order, %d out of order, in %.2f s%n", frames,
                    next.get() - wrong.get(), wrong.get(), seconds);
            System.out.println("pump:     " + pump.stats() + (pump.failure() == null ? "" : " " + pump.failure()));
            System.out.println("sink:     " + sink.stats() + (sink.failure() == null ? "" : " " + sink.failure()));
            System.out.println("deframer: " + deframer.stats());
            return next.get() == frames && wrong.get() == 0 && deframer.stats().errors() == 0 ? 0 : 1;
        }
    }

    private static int receive(SerialSettings settings, FrameCheck check, int max, int seconds) throws Exception {
        BBQueue in = BBQueue.allocate(64 * 1024);
        Consumer received = in.consumer();
        Deframer deframer = new Deframer(max, check);
        try (SerialConnection port = SerialConnection.open(settings);
             SerialPump pump = port.startPump(in.producer())) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < end && pump.isRunning()) {
                if (deframer.tryDeframe(received, frame -> { }) == 0) {
                    Thread.sleep(5);
                }
                if (System.nanoTime() - nextReport >= 0) {
                    nextReport += TimeUnit.SECONDS.toNanos(1);
                    System.out.println("pump: " + pump.stats() + " deframer: " + deframer.stats());
                }
            }
            System.out.println("final pump: " + pump.stats() + " deframer: " + deframer.stats());
            if (pump.failure() != null) {
                System.out.println("pump stopped: " + pump.failure().getMessage());
                return 1;
            }
            return 0;
        }
    }
}
