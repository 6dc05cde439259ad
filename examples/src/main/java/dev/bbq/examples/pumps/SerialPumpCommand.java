package dev.bbq.examples.pumps;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.WriteGrant;
import dev.bbq.examples.Cli;
import dev.bbq.serial.SerialConnection;
import dev.bbq.serial.SerialPump;
import dev.bbq.serial.SerialSettings;
import dev.bbq.serial.SerialSink;
import dev.bbq.wire.Deframer;
import dev.bbq.wire.FrameCheck;
import dev.bbq.wire.FrameEncoder;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code serial-pump}: bbq-serial's pump and sink on a real port (formerly
 * {@code dev.bbq.serial.SerialPumpMain}).
 *
 * <pre>
 * serial-pump loopback /dev/serial0 [--baud 921600] [--frames 10000] [--size 64]
 * serial-pump receive  /dev/serial0 [--baud 115200] [--check crc16|crc32c|none] [--max 256] [--seconds 60]
 * </pre>
 *
 * {@code loopback} needs the port's TX wired to its RX: a {@link SerialSink} sends numbered COBS
 * frames with CRC-32C, a {@link SerialPump} receives them, a {@link Deframer} checks them; the exit
 * status is 0 only if every frame came back intact and in order. The sender keeps at most
 * {@value #WINDOW} bytes in flight (sent, not yet received), so the kernel's tty buffers never
 * overflow and a lost byte shows as a loss rather than as a stall. {@code receive} deframes what a
 * device sends and prints the counters every second.
 */
@Command(name = "serial-pump", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"bbq-serial's SerialPump and SerialSink on a real serial port.",
                "loopback: with the port's TX wired to its RX, sends numbered COBS/CRC-32C frames through a "
                        + "SerialSink, receives them with a SerialPump and checks them with a Deframer; exit status 0 "
                        + "only if every frame came back intact and in order, 3 if not.",
                "receive: deframes what a device sends and prints the pump's and the deframer's counters every "
                        + "second.", ""})
public final class SerialPumpCommand implements Callable<Integer> {
    /** Bytes the loopback test lets be sent and not yet received: the Linux tty buffer is 4096. */
    static final int WINDOW = 2048;

    /** What to run. */
    enum Mode {
        loopback, receive
    }

    /** Frame checks offered on the command line. */
    enum Check {
        crc16(FrameCheck.CRC16_CCITT_FALSE), crc32c(FrameCheck.CRC32C), none(FrameCheck.NONE);

        final FrameCheck check;

        Check(FrameCheck check) {
            this.check = check;
        }
    }

    @Spec
    CommandSpec spec;

    /** Creates the command; {@code Main} registers it and picocli sets its options. */
    public SerialPumpCommand() {
    }

    @Parameters(index = "0", paramLabel = "MODE", description = "loopback or receive.")
    Mode mode;

    @Parameters(index = "1", paramLabel = "PORT", description = "The serial port, e.g. /dev/serial0 or /dev/ttyAMA0.")
    String port;

    @Option(names = "--baud", paramLabel = "RATE",
            description = "Baud rate (default: 921600 for loopback, 115200 for receive).")
    Integer baud;

    @Option(names = "--frames", defaultValue = "10000", paramLabel = "N",
            description = "loopback: frames to send (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--size", defaultValue = "64", paramLabel = "BYTES",
            description = "loopback: payload bytes per frame, at least 8 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--check", defaultValue = "crc16", paramLabel = "CHECK",
            description = "receive: frame check, crc16, crc32c or none; must match the sender (default: ${DEFAULT-VALUE}).")
    Check check;

    @Option(names = "--max", defaultValue = "256", paramLabel = "BYTES",
            description = "receive: largest frame payload (default: ${DEFAULT-VALUE}).")
    int max;

    @Option(names = "--seconds", defaultValue = "60", paramLabel = "N",
            description = "receive: how long to receive (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Override
    public Integer call() throws Exception {
        if (baud != null && baud <= 0) {
            throw Cli.badValue(spec, "--baud must be positive");
        }
        if (frames < 0) {
            throw Cli.badValue(spec, "--frames must not be negative");
        }
        if (max < 1) {
            throw Cli.badValue(spec, "--max must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean loopback = mode == Mode.loopback;
        SerialSettings settings = SerialSettings.builder(port).baudRate(baud != null ? baud : loopback ? 921_600 : 115_200)
                .build();
        out.println(settings);
        return loopback ? loopback(settings, frames, size, out) : receive(settings, check.check, max, seconds, out);
    }

    @SuppressWarnings("try") // pump.close() inside the try: the pump stops before the deframer is joined
    private static int loopback(SerialSettings settings, int frames, int size, PrintWriter out) throws Exception {
        BBQueue outQueue = BBQueue.allocate(16 * 1024);
        BBQueue in = BBQueue.allocate(64 * 1024);
        Producer sending = outQueue.producer();
        Consumer received = in.consumer();
        Deframer deframer = new Deframer(Math.max(size, 8), FrameCheck.CRC32C);
        AtomicLong next = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        try (SerialConnection port = SerialConnection.open(settings);
             SerialPump pump = port.startPump(in.producer());
             SerialSink sink = port.startSink(outQueue.consumer())) {
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
                    out.println("the sink stopped: " + sink.failure());
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
            out.printf("sent %d frames, received %d in order, %d out of order, in %.2f s%n", frames,
                    next.get() - wrong.get(), wrong.get(), seconds);
            out.println("pump:     " + pump.stats() + (pump.failure() == null ? "" : " " + pump.failure()));
            out.println("sink:     " + sink.stats() + (sink.failure() == null ? "" : " " + sink.failure()));
            out.println("deframer: " + deframer.stats());
            return next.get() == frames && wrong.get() == 0 && deframer.stats().errors() == 0 ? Cli.OK : Cli.INTEGRITY;
        }
    }

    private static int receive(SerialSettings settings, FrameCheck check, int max, int seconds, PrintWriter out)
            throws Exception {
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
                    out.println("pump: " + pump.stats() + " deframer: " + deframer.stats());
                }
            }
            out.println("final pump: " + pump.stats() + " deframer: " + deframer.stats());
            if (pump.failure() != null) {
                out.println("pump stopped: " + pump.failure().getMessage());
                return Cli.FAILED;
            }
            return Cli.OK;
        }
    }
}
