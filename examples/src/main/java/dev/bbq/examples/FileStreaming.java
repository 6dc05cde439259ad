package dev.bbq.examples;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.QueueStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.zip.CRC32C;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code file-streaming}: raw, DMA-style streaming through {@link FileChannel}s. A reader thread has
 * the kernel copy a file straight into the largest free region of a direct queue
 * ({@link Producer#readFrom}); the calling thread has it copy committed regions straight out to
 * another file ({@link Consumer#writeTo}). No Java code touches the bytes on the way: each region
 * is one contiguous {@code ByteBuffer} over the ring, which is what a DMA engine or a
 * {@code read(2)} needs. The two files' CRC-32C are compared at the end.
 */
@Command(name = "file-streaming", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Raw, DMA-style streaming through FileChannels: a reader thread has the kernel copy a file "
                + "straight into the free region of a direct queue (Producer.readFrom), the main thread has it copy "
                + "committed regions straight out to another file (Consumer.writeTo). Then both files' CRC-32C are "
                + "compared.", ""})
public final class FileStreaming implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE",
            description = "The file to stream (default: a file of --size random bytes, made and removed here).")
    Path input;

    @Option(names = "--size", defaultValue = "64MiB", converter = Cli.SizeConverter.class, paramLabel = "SIZE",
            description = "Size of the generated input (default: ${DEFAULT-VALUE}).")
    long size;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Where the copy goes (default: a temporary file, removed at the end).")
    Path output;

    @Option(names = "--queue", defaultValue = "256KiB", converter = Cli.SizeConverter.class, paramLabel = "SIZE",
            description = "Capacity of the direct queue (default: ${DEFAULT-VALUE}).")
    long queueSize;

    @Override
    public Integer call() throws Exception {
        if (queueSize < 16 || queueSize > 1 << 30) {
            throw Cli.badValue(spec, "--queue must be 16 bytes to 1GiB");
        }
        if (input == null && (size < 0 || size > 64L << 30)) {
            throw Cli.badValue(spec, "--size must be 0 to 64GiB");
        }
        if (input != null && !Files.isReadable(input)) {
            throw new Cli.Failure("cannot read " + input, Cli.FAILED);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("bbq-file-streaming");
        Path in = input != null ? input : generate(dir.resolve("input.bin"), size);
        Path copy = output != null ? output : dir.resolve("output.bin");
        try {
            BBQueue queue = BBQueue.allocateDirect((int) queueSize);
            long start = System.nanoTime();
            long bytes = stream(in, copy, queue);
            double seconds = (System.nanoTime() - start) / 1e9;
            long a = crc(in);
            long b = crc(copy);
            QueueStats s = queue.stats();
            out.println(String.format(Locale.ROOT, "file-streaming: %s from %s to %s in %.3f s (%.0f MiB/s) through a "
                    + "%s direct queue", Cli.bytes(bytes), in, copy, seconds, bytes / seconds / (1 << 20),
                    Cli.bytes(queue.capacity())));
            out.println(String.format(Locale.ROOT, "  queue: high-water %s, %,d grants refused (reader waited %,d ms, "
                    + "writer waited %,d ms)", Cli.bytes(s.highWaterMark()), s.grantsRefused(),
                    s.producerWaitNanos() / 1_000_000, s.consumerWaitNanos() / 1_000_000));
            boolean same = a == b && Files.size(in) == Files.size(copy);
            out.println(String.format(Locale.ROOT, "  CRC-32C input %08x, output %08x: %s", a, b,
                    same ? "identical" : "DIFFERENT"));
            return same ? Cli.OK : Cli.INTEGRITY;
        } finally {
            if (input == null) {
                Files.deleteIfExists(in);
            }
            if (output == null) {
                Files.deleteIfExists(copy);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Streams {@code in} to {@code copy} through the queue; returns the bytes written. */
    static long stream(Path in, Path copy, BBQueue queue) throws IOException, InterruptedException {
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        IOException[] readFailure = new IOException[1];
        Thread reader = new Thread(() -> {
            try (FileChannel src = FileChannel.open(in, StandardOpenOption.READ)) {
                while (producer.readFrom(src) >= 0) {
                    // one read(2) per turn, straight into the ring's free region
                }
            } catch (IOException e) {
                readFailure[0] = e;
            } finally {
                producer.close(); // end of stream for the writer
            }
        }, "file-streaming-reader");
        reader.start();
        long total = 0;
        try (FileChannel dst = FileChannel.open(copy, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            int n;
            while ((n = consumer.writeTo(dst)) >= 0) {
                total += n; // one write(2) per turn, straight from the ring's committed region
            }
        } finally {
            consumer.close();
            reader.join();
        }
        if (readFailure[0] != null) {
            throw readFailure[0];
        }
        return total;
    }

    private static Path generate(Path file, long size) throws IOException {
        Random random = new Random(42);
        byte[] chunk = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                ByteBuffer b = ByteBuffer.wrap(chunk, 0, (int) Math.min(left, chunk.length));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
        return file;
    }

    private static long crc(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(b) >= 0) {
                b.flip();
                crc.update(b);
                b.clear();
            }
        }
        return crc.getValue();
    }
}
