package dev.bbq.examples;

import dev.bbq.BBQueue;
import dev.bbq.CorruptQueueFileException;
import dev.bbq.FrameConsumer;
import dev.bbq.UntrustedQueueFileException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ipc-consumer}: the consuming half of a queue shared by two JVMs. It waits for the file
 * {@code ipc-producer} creates, attaches ({@link BBQueue#openMapped}), drains the frames, checks
 * each (sequence number, payload, CRC-32C) and measures the latency across the two processes, until
 * the producer's end marker and end of stream; then it removes the file.
 */
@Command(name = "ipc-consumer", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Attaches to the queue file made by 'ipc-producer [FILE]' in another JVM of the same user, reads "
                + "and checks every frame, and reports whether any was lost, duplicated or corrupted. Removes the file "
                + "at the end.", ""})
public final class IpcConsumer implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The queue file (default: bbq-demo.q in "
            + "BBQueue.defaultQueueDirectory(): $XDG_RUNTIME_DIR, else /dev/shm/bbq-<user>).")
    Path file;

    @Option(names = "--wait", defaultValue = "60s", converter = Cli.DurationConverter.class, paramLabel = "TIME",
            description = "How long to wait for the producer to create the file (default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Option(names = "--keep-file", description = "Do not remove the file at the end.")
    boolean keepFile;

    private long expected;
    private long received;
    private long gaps;
    private long duplicates;
    private long corrupted;
    private long announced = -1;
    private final Histogram latency = new Histogram(3);
    private final IpcFrames codec = new IpcFrames();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (file == null) {
            file = defaultFile();
        }
        BBQueue queue = attach(out);
        long start = 0;
        try (FrameConsumer consumer = queue.frameConsumer()) {
            long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            long goneSince = 0;
            while (true) {
                int n = consumer.drain(this::onFrame, 256, 100, TimeUnit.MILLISECONDS);
                if (start == 0 && n > 0) {
                    start = System.nanoTime();
                }
                if (n == 0 && consumer.isClosed()) {
                    break;
                }
                if (System.nanoTime() - nextReport > 0) {
                    // A producer process that ended without closing is not the end of the stream: a
                    // restarted one takes the half over and its frames follow (docs/design.md, R12).
                    // The demo waits for one as long as --wait says, then reports what it has.
                    boolean gone = n == 0 && queue.isProducerGone();
                    out.println(String.format(Locale.ROOT, "  %,d frames received, latency p99 %s%s", received,
                            Cli.micros(latency.getValueAtPercentile(99)),
                            gone ? " (no producer attached: waiting for one)" : ""));
                    nextReport += TimeUnit.SECONDS.toNanos(1);
                    goneSince = gone ? (goneSince == 0 ? System.nanoTime() : goneSince) : 0;
                    if (goneSince != 0 && System.nanoTime() - goneSince > wait.toNanos()) {
                        break;
                    }
                }
            }
        } finally {
            if (!keepFile) {
                Files.deleteIfExists(file);
            }
        }
        double seconds = start == 0 ? 0 : (System.nanoTime() - start) / 1e9;
        long intact = received - corrupted - duplicates;
        long lost = announced >= 0 ? Math.max(0, announced - intact - corrupted) : gaps;
        boolean producerGone = announced < 0;
        out.println(String.format(Locale.ROOT, "ipc-consumer: %,d frames received from %s in %.2f s (%,.0f frames/s)%s",
                received, file, seconds, seconds > 0 ? received / seconds : 0.0,
                producerGone ? "; the producer ended WITHOUT its end marker (it died or was stopped)" : ""));
        out.println(String.format(Locale.ROOT, "  latency across the two processes: p50 %s, p99 %s, max %s",
                Cli.micros(latency.getValueAtPercentile(50)), Cli.micros(latency.getValueAtPercentile(99)),
                Cli.micros(latency.getMaxValue())));
        boolean ok = !producerGone && lost == 0 && duplicates == 0 && corrupted == 0;
        out.println(String.format(Locale.ROOT, "RESULT: %s %,d frames sent, %,d received intact and in order; %s lost, "
                + "%s duplicated, %s corrupted.", ok ? "OK." : "FAILED.", Math.max(announced, 0), intact,
                lost, duplicates, corrupted));
        return ok ? Cli.OK : Cli.INTEGRITY;
    }

    private void onFrame(ByteBuffer f) {
        long now = System.nanoTime();
        int p = f.position();
        long seq = f.getLong(p);
        if (seq == IpcFrames.END && f.remaining() == IpcFrames.HEADER) {
            announced = f.getLong(p + 8);
            return;
        }
        if (!codec.intact(f)) {
            corrupted++;
            received++;
            return;
        }
        received++;
        if (seq < expected) {
            duplicates++;
            return;
        }
        gaps += seq - expected;
        expected = seq + 1;
        latency.recordValue(Math.max(0, now - f.getLong(p + 8)));
    }

    /** The file both commands use when none is given: bbq-demo.q in this user's private queue directory. */
    static Path defaultFile() {
        try {
            return BBQueue.defaultQueueDirectory().resolve("bbq-demo.q");
        } catch (IOException e) {
            throw new Cli.Failure("no queue directory of this user's: " + Cli.oneLineMessage(e) + "; pass FILE",
                    Cli.FAILED);
        }
    }

    /** Waits for the producer's file and attaches to it. */
    private BBQueue attach(PrintWriter out) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean told = false;
        while (true) {
            try {
                BBQueue queue = BBQueue.openMapped(file);
                out.println("ipc-consumer: attached to " + file + " (" + Cli.bytes(queue.capacity()) + " ring)");
                return queue;
            } catch (UntrustedQueueFileException e) {
                throw new Cli.Failure(Cli.oneLineMessage(e), Cli.FAILED);
            } catch (NoSuchFileException | CorruptQueueFileException e) {
                // not there yet, or being created: a fresh file is marked ready last
                if (System.nanoTime() - deadline > 0) {
                    throw new Cli.Failure(e instanceof NoSuchFileException ? "no queue file " + file + " after "
                            + String.format(Locale.ROOT, "%.1f", wait.toMillis() / 1000.0) + " s: start 'ipc-producer "
                            + file + "'"
                            : file + " is not a usable queue file: " + Cli.oneLineMessage(e), Cli.FAILED);
                }
                if (!told) {
                    out.println("ipc-consumer: waiting for " + file + " (start 'ipc-producer " + file + "')");
                    told = true;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }
}
