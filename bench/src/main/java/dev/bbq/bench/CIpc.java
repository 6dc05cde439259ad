package dev.bbq.bench;

import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The C side against the Java side as the producer of one queue file: a producer process (the C
 * peer of bbq-c, {@code bbq_peer bench-produce}, built here with gcc -O2; or a child JVM running
 * the same loop in Java) writes framed messages with a spinning {@code tryWrite}, and a consumer in
 * this JVM drains and checks them (sequence and size), timed from the first message to the last.
 * Paired rounds: each round runs C then Java (alternating which goes first), and the ratio is taken
 * per round, so drift of a loaded machine falls on both sides of each ratio.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar dev.bbq.bench.CIpc [messages] [rounds] [bbq-c directory]
 * </pre>
 */
public final class CIpc {
    private static final int CAPACITY = 1 << 20;

    private CIpc() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("produce")) {
            produce(Paths.get(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
            return;
        }
        long messages = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path peer = buildPeer(Paths.get(args.length > 2 ? args[2] : "bbq-c"));
        System.out.printf(Locale.ROOT, "%5s %14s %14s %22s%n", "size", "C Mmsg/s", "Java Mmsg/s", "C / Java (per round)");
        for (int size : new int[] {64, 256}) {
            double[] c = new double[rounds];
            double[] java = new double[rounds];
            double[] ratio = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                boolean cFirst = round % 2 == 0;
                if (cFirst) {
                    c[round] = once(cCommand(peer, size, messages), size, messages);
                }
                java[round] = once(javaCommand(size, messages), size, messages);
                if (!cFirst) {
                    c[round] = once(cCommand(peer, size, messages), size, messages);
                }
                ratio[round] = c[round] / java[round];
            }
            System.out.printf(Locale.ROOT, "%5d %14s %14s %22s%n", size, median(c, 1e6), median(java, 1e6),
                    median(ratio, 1));
        }
    }

    /** "median (min-max)" of {@code values / unit}. */
    private static String median(double[] values, double unit) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", sorted[sorted.length / 2] / unit, sorted[0] / unit,
                sorted[sorted.length - 1] / unit);
    }

    private static List<String> cCommand(Path peer, int size, long messages) {
        return new ArrayList<>(List.of(peer.toString(), "bench-produce", "FILE", Integer.toString(size),
                Long.toString(messages)));
    }

    private static List<String> javaCommand(int size, long messages) {
        return new ArrayList<>(List.of(ChildJvm.JAVA, "-cp",
                System.getProperty("java.class.path"), CIpc.class.getName(), "produce", "FILE", Integer.toString(size),
                Long.toString(messages)));
    }

    /** One run: the queue file, the producer process, this JVM's consumer; messages per second. */
    private static double once(List<String> producer, int size, long messages) throws Exception {
        Path file = Ipc.newQueueFile("bbq-cipc-");
        try {
            FrameConsumer consumer = BBQueue.createMapped(file, CAPACITY).frameConsumer();
            producer.replaceAll(arg -> arg.equals("FILE") ? file.toString() : arg);
            Process child = new ProcessBuilder(producer).redirectErrorStream(true).start();
            long nanos = Ipc.consumeFrames(consumer, size, messages); // checks sequence and size
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (child.waitFor() != 0) {
                throw new IllegalStateException("producer failed (exit " + child.exitValue() + "): " + output);
            }
            return messages / (nanos / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The Java producer: the same loop as the C one. */
    private static void produce(Path file, int size, long messages) throws IOException {
        FrameProducer producer = BBQueue.openMapped(file).frameProducer();
        byte[] frame = new byte[size];
        for (int i = 8; i < size; i++) {
            frame[i] = (byte) i;
        }
        for (long seq = 0; seq < messages; seq++) {
            for (int i = 0; i < 8; i++) {
                frame[i] = (byte) (seq >>> (56 - 8 * i));
            }
            while (!producer.tryWrite(frame, 0, size)) {
                Thread.onSpinWait();
            }
        }
        producer.close();
    }

    private static Path buildPeer(Path bbqC) throws IOException, InterruptedException {
        Path binary = Files.createTempDirectory("bbq-cipc").resolve("bbq_peer");
        List<String> gcc = List.of("gcc", "-std=c11", "-O2", "-I", bbqC.resolve("include").toString(), "-o",
                binary.toString(), bbqC.resolve("src/test/c/bbq_peer.c").toString());
        Process process = new ProcessBuilder(gcc).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("gcc failed (run from the repository's root, or pass the bbq-c directory): "
                    + output);
        }
        return binary;
    }
}
