package dev.bbq.examples;

import dev.bbq.BBQueue;
import dev.bbq.FrameGrant;
import dev.bbq.FrameProducer;
import dev.bbq.QueueClosedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ipc-producer}: the producing half of a queue shared by two JVMs. It creates the queue file
 * ({@link BBQueue#createMapped}), takes the frame producer and writes numbered, checksummed frames
 * in place into frame grants; {@code ipc-consumer} in another process opens the same file and reads
 * them. Closing the producer at the end is seen by the other process as the end of the stream.
 */
@Command(name = "ipc-producer", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Creates a queue in a memory-mapped file (by default bbq-demo.q in this user's private queue "
                + "directory, BBQueue.defaultQueueDirectory()) and writes numbered, checksummed frames into it, for "
                + "'ipc-consumer [FILE]' in another JVM of the same user to read. Start either first.", ""})
public final class IpcProducer implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The queue file to create (default: "
            + "bbq-demo.q in BBQueue.defaultQueueDirectory(): $XDG_RUNTIME_DIR, else /dev/shm/bbq-<user>).")
    Path file;

    @Option(names = "--frames", defaultValue = "1000000", paramLabel = "N",
            description = "Frames to send (default: ${DEFAULT-VALUE}).")
    long frames;

    @Option(names = "--size", defaultValue = "64", paramLabel = "BYTES",
            description = "Bytes per frame, 20 to 65536 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--capacity", defaultValue = "1MiB", converter = Cli.SizeConverter.class, paramLabel = "SIZE",
            description = "The ring's size (default: ${DEFAULT-VALUE}); the file is 4 KiB larger.")
    long capacity;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "FRAMES",
            description = "Frames per second, 0 for as fast as the consumer takes them (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--replace", description = "Delete FILE first if it exists (a previous run that ended early).")
    boolean replace;

    @Override
    public Integer call() throws Exception {
        if (frames < 0) {
            throw Cli.badValue(spec, "--frames must not be negative");
        }
        if (size < IpcFrames.HEADER + IpcFrames.CRC || size > 65536) {
            throw Cli.badValue(spec, "--size must be 20 to 65536 bytes");
        }
        if (capacity < 4096 || capacity > 1 << 30 || BBQueue.maxFrameLength((int) capacity) < size) {
            throw Cli.badValue(spec, "--capacity must be 4KiB to 1GiB and hold a frame of --size bytes");
        }
        if (!(rate >= 0)) {
            throw Cli.badValue(spec, "--rate must not be negative");
        }
        if (file == null) {
            file = IpcConsumer.defaultFile();
        }
        if (replace) {
            Files.deleteIfExists(file);
        }
        BBQueue queue;
        try {
            queue = BBQueue.createMapped(file, (int) capacity);
        } catch (FileAlreadyExistsException e) {
            throw new Cli.Failure(file + " exists: another producer is using it, or a run ended early (remove it, "
                    + "or pass --replace)", Cli.FAILED);
        } catch (IOException e) {
            throw new Cli.Failure("cannot create " + file + ": " + Cli.oneLineMessage(e), Cli.FAILED);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(String.format(Locale.ROOT, "ipc-producer: created %s (%s ring); sending %,d frames of %d bytes; "
                + "run 'ipc-consumer %s' in another terminal", file, Cli.bytes(capacity), frames, size, file));
        IpcFrames codec = new IpcFrames();
        long start = System.nanoTime();
        long nextReport = start + TimeUnit.SECONDS.toNanos(1);
        long sent = 0;
        try (FrameProducer producer = queue.frameProducer()) {
            for (; sent < frames; sent++) {
                if (rate > 0) {
                    long due = start + (long) (sent * 1e9 / rate);
                    while (System.nanoTime() - due < 0) {
                        LockSupport.parkNanos(due - System.nanoTime());
                    }
                }
                FrameGrant g = grant(producer, queue, size, out);
                codec.write(g.buffer(), sent, size);
                g.commit(size);
                if (System.nanoTime() - nextReport > 0) {
                    out.println(String.format(Locale.ROOT, "  %,d frames sent%s", sent + 1,
                            queue.stats().bytesInUse() == capacity ? " (ring full: is the consumer running?)" : ""));
                    nextReport += TimeUnit.SECONDS.toNanos(1);
                }
            }
            FrameGrant g = grant(producer, queue, IpcFrames.HEADER, out);
            codec.writeEnd(g.buffer(), sent);
            g.commit(IpcFrames.HEADER);
        } catch (QueueClosedException e) {
            throw new Cli.Failure("the consumer closed the queue after " + sent + " frames", Cli.FAILED);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.println(String.format(Locale.ROOT, "ipc-producer: sent %,d frames (%s) in %.2f s: %,.0f frames/s, "
                + "%.1f MiB/s", sent, Cli.bytes(sent * size), seconds, sent / seconds, sent * size / seconds / (1 << 20)));
        return Cli.OK;
    }

    /**
     * Waits for room (the mapped queue waits by backing off: no wake-ups cross processes). A consumer
     * process that ended, or has not started, leaves the frames in the queue for the next one.
     */
    private static FrameGrant grant(FrameProducer producer, BBQueue queue, int size, PrintWriter out)
            throws InterruptedException {
        boolean told = false;
        while (true) {
            FrameGrant g = producer.grant(size, 1, TimeUnit.SECONDS);
            if (g != null) {
                return g;
            }
            if (!told && queue.isConsumerGone()) {
                out.println("ipc-producer: the ring is full and no consumer is attached: waiting for one");
                told = true;
            }
        }
    }
}
