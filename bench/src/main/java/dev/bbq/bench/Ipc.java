package dev.bbq.bench;

import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameHandler;
import dev.bbq.FrameProducer;
import dev.bbq.WaitStrategy;
import org.agrona.IoUtil;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Cross-process throughput: a producer in this JVM and a consumer in a child JVM share one queue in
 * a memory-mapped file (under /dev/shm when it exists). Measured against the same producer and
 * consumer on two threads of one JVM (bbq's in-process queue), and against Agrona's
 * {@code OneToOneRingBuffer} over a mapped file, in the same run. JMH cannot span two processes,
 * so this is an end-to-end harness: fixed message counts, every message checked, median of runs.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar dev.bbq.bench.Ipc [messages] [runs]
 * </pre>
 */
public final class Ipc {
    private static final int CAPACITY = 1 << 20;
    private static final String[] KINDS = {"bbq-in-process", "bbq-ipc", "agrona-ipc"};

    private Ipc() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("consume")) {
            consume(args[1], Paths.get(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
            return;
        }
        long messages = args.length > 0 ? Long.parseLong(args[0]) : 20_000_000L;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf(Locale.ROOT, "%-15s %5s %12s %12s %10s%n", "kind", "size", "Mmsg/s", "MiB/s", "vs in-proc");
        for (int size : new int[] {64, 256}) {
            double inProcess = 0;
            for (String kind : KINDS) {
                double[] rates = new double[runs];
                for (int run = 0; run < runs; run++) {
                    rates[run] = once(kind, size, messages);
                }
                Arrays.sort(rates);
                double median = rates[runs / 2];
                if (kind.equals("bbq-in-process")) {
                    inProcess = median;
                }
                System.out.printf(Locale.ROOT, "%-15s %5d %12.2f %12.1f %9.0f%%   runs %s%n", kind, size, median / 1e6,
                        median * size / (1 << 20), 100 * median / inProcess, Arrays.toString(round(rates)));
            }
        }
    }

    private static double[] round(double[] rates) {
        double[] r = new double[rates.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.round(rates[i] / 1e4) / 100.0;
        }
        return r;
    }

    /** One run; returns delivered messages per second. */
    private static double once(String kind, int size, long messages) throws Exception {
        Path file = newQueueFile("bbq-ipc-");
        try {
            if (kind.equals("bbq-in-process")) {
                // The wait strategy a mapped queue has (backoff, no signals), so the two differ only
                // in where the queue lives, not in the blocking strategy's R9 fence per commit.
                BBQueue queue = BBQueue.builder().capacity(CAPACITY).direct().waitStrategy(WaitStrategy.backoff()).build();
                FrameConsumer consumer = queue.frameConsumer();
                long[] nanos = new long[1];
                Thread thread = new Thread(() -> nanos[0] = consumeFrames(consumer, size, messages));
                thread.start();
                produceFrames(queue.frameProducer(), size, messages);
                thread.join();
                return messages / (nanos[0] / 1e9);
            }
            ChildJvm child;
            if (kind.equals("bbq-ipc")) {
                BBQueue queue = BBQueue.createMapped(file, CAPACITY);
                FrameProducer producer = queue.frameProducer();
                child = startChild(kind, file, size, messages);
                produceFrames(producer, size, messages);
            } else {
                MappedByteBuffer map = IoUtil.mapNewFile(file.toFile(), CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
                OneToOneRingBuffer ring = new OneToOneRingBuffer(new UnsafeBuffer(map));
                child = startChild(kind, file, size, messages);
                produceAgrona(ring, size, messages);
            }
            long nanos = Long.parseLong(child.expect("NANOS ").substring("NANOS ".length()));
            int exit = child.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(kind + " consumer failed (exit " + exit + ")");
            }
            return messages / (nanos / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A fresh queue file name under /dev/shm (memory, not disk) when it exists, else the temp directory. */
    static Path newQueueFile(String prefix) {
        Path shm = Paths.get("/dev/shm");
        Path dir = Files.isDirectory(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir"));
        return dir.resolve(prefix + ProcessHandle.current().pid() + "-" + System.nanoTime());
    }

    private static ChildJvm startChild(String kind, Path file, int size, long messages) throws IOException {
        ChildJvm child = new ChildJvm(kind + " consumer", ChildJvm.JAVA, List.of("--add-exports",
                "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true"),
                System.getProperty("java.class.path"), Ipc.class, "consume", kind, file.toString(), Integer.toString(size),
                Long.toString(messages));
        child.expect("READY");
        return child;
    }

    private static void consume(String kind, Path file, int size, long messages) throws IOException {
        long nanos;
        if (kind.equals("bbq-ipc")) {
            FrameConsumer consumer = BBQueue.openMapped(file).frameConsumer();
            System.out.println("READY");
            System.out.flush();
            nanos = consumeFrames(consumer, size, messages);
        } else {
            MappedByteBuffer map = IoUtil.mapExistingFile(file.toFile(), "ipc");
            OneToOneRingBuffer ring = new OneToOneRingBuffer(new UnsafeBuffer(map));
            System.out.println("READY");
            System.out.flush();
            nanos = consumeAgrona(ring, size, messages);
        }
        System.out.println("NANOS " + nanos);
    }

    private static void produceFrames(FrameProducer producer, int size, long messages) {
        byte[] frame = Bytes.message(size);
        for (long seq = 0; seq < messages; seq++) {
            Bytes.LONG.set(frame, Bytes.PAD, seq);
            while (!producer.tryWrite(frame, Bytes.PAD, size)) {
                Thread.onSpinWait();
            }
        }
    }

    /** Consumes every message, checking sequence and size; returns nanoseconds from first to last. */
    static long consumeFrames(FrameConsumer consumer, int size, long messages) {
        long[] state = {0, 0};
        FrameHandler handler = frame -> {
            if (frame.remaining() != size || frame.getLong(frame.position()) != state[0]) {
                throw new IllegalStateException("message " + state[0] + " is wrong");
            }
            if (state[0]++ == 0) {
                state[1] = System.nanoTime();
            }
        };
        while (state[0] < messages) {
            if (consumer.drain(handler, 256) == 0) {
                Thread.onSpinWait();
            }
        }
        return System.nanoTime() - state[1];
    }

    private static void produceAgrona(OneToOneRingBuffer ring, int size, long messages) {
        UnsafeBuffer source = new UnsafeBuffer(Bytes.source(size));
        for (long seq = 0; seq < messages; seq++) {
            int index;
            while ((index = ring.tryClaim(1, size)) <= 0) {
                Thread.onSpinWait();
            }
            ring.buffer().putBytes(index, source, 0, size);
            ring.buffer().putLong(index, seq, ByteOrder.BIG_ENDIAN);
            ring.commit(index);
        }
    }

    private static long consumeAgrona(OneToOneRingBuffer ring, int size, long messages) {
        long[] state = {0, 0};
        MessageHandler handler = (type, buffer, index, length) -> {
            if (length != size || buffer.getLong(index, ByteOrder.BIG_ENDIAN) != state[0]) {
                throw new IllegalStateException("message " + state[0] + " is wrong");
            }
            if (state[0]++ == 0) {
                state[1] = System.nanoTime();
            }
        };
        while (state[0] < messages) {
            if (ring.read(handler, 256) == 0) {
                Thread.onSpinWait();
            }
        }
        return System.nanoTime() - state[1];
    }
}
