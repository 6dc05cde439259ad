package dev.bbq.examples.telemetry;

import dev.bbq.BBQueue;
import dev.bbq.FrameProducer;
import dev.bbq.QueueClosedException;
import dev.bbq.QueueStats;
import dev.bbq.examples.Cli;
import dev.bbq.wire.Deframer;
import dev.bbq.wire.DeframerStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One run of the telemetry pipeline:
 *
 * <pre>
 *  device ──wire bytes──▶ driver thread ──▶ RAW queue ──▶ deframer thread ──▶ FRAMED queue ──▶ consumer thread
 *  (simulated MCU,        (pipe reader or   (bytes)       (COBS + CRC,         (one record     (sequence, record CRC,
 *   UART, or SPI) ─────── SerialPump) ─────────────────── drop when full) ───── per frame) ──── stats, latency, log)
 * </pre>
 *
 * An SPI source skips the raw queue: its pump commits one record per packet to the framed queue.
 * The calling thread samples the counters every {@value #SAMPLE_MILLIS} ms (for the chart) and
 * prints the status line every second. When the duration ends (or Ctrl-C), the source stops; its
 * producer's close travels down the pipeline as end of stream, every queue drains, and only then is
 * the summary computed, so nothing in flight is counted as lost.
 */
final class TelemetryRun {
    static final int SAMPLE_MILLIS = 250;
    private static final int SAMPLES_PER_STATUS = 1000 / SAMPLE_MILLIS;
    private static final long DRAIN_SECONDS = 30;

    private final TelemetryCommand o;
    private final PrintWriter out;
    private final boolean terminal = System.console() != null;
    private final CountDownLatch stopEarly = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<RunChart.Sample> samples = new ArrayList<>();
    private final Histogram total = new Histogram(3);
    private Histogram interval;

    TelemetryRun(TelemetryCommand options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    /** Runs the pipeline and prints the summary; returns the exit status. */
    int run() throws Exception {
        try (Source source = openSource()) {
            return run(source);
        } finally {
            finished.countDown();
        }
    }

    private Source openSource() throws IOException {
        if (o.spi != null) {
            Cli.requirePi4jRuntime("--spi");
            return SpiSource.open(o);
        }
        if (o.serial != null) {
            return SerialSource.open(o.serial, o.baud);
        }
        if (o.sensorThreads > 0) {
            return new SensorThreadsSource(o.sensorThreads, o.device.settings());
        }
        if (o.queueFile != null) {
            return QueueFileSource.open(o.queueFile, (int) o.framedQueue);
        }
        return new SimulatedSource(o.device.settings());
    }

    @SuppressWarnings("try") // RunMetrics publishes for as long as its try block lasts
    private int run(Source source) throws Exception {
        boolean inProcess = source instanceof SimulatedSource || source instanceof SensorThreadsSource;
        BBQueue raw = source.framed() ? null
                : BBQueue.builder().capacity((int) o.rawQueue).direct().build();
        QueueFileSource file = source instanceof QueueFileSource ? (QueueFileSource) source : null;
        BBQueue framed = file != null ? file.queue() : BBQueue.allocate((int) o.framedQueue);
        int maxRecord = o.maxRecordLength();
        Deframer deframer = raw == null ? null : new Deframer(maxRecord, o.device.check.check, true);
        TelemetryLog log = o.logFormat == TelemetryCommand.LogFormat.none ? null
                : new TelemetryLog(o.out, o.logFormat == TelemetryCommand.LogFormat.csv
                        ? TelemetryLog.Format.CSV : TelemetryLog.Format.JSONL, o.logMaxSize, o.logKeep);
        RecordConsumer consumer = new RecordConsumer(framed.frameConsumer(), maxRecord, log, inProcess, inProcess,
                file == null ? () -> false : file::stopped);
        interval = consumer.latency.getIntervalHistogram();
        MqttLink mqtt = MqttLink.open(o.mqtt, maxRecord);
        consumer.forwardTo(mqtt);

        out.println("telemetry: " + source.description());
        out.println(String.format(Locale.ROOT, "pipeline: %s -> %s -> %s -> framed queue %s -> consumer; log %s",
                source instanceof SensorThreadsSource ? o.sensorThreads + " sensor threads (shared producer)"
                        : source.framed() ? "SPI pump" : "driver thread",
                raw == null ? "(no raw queue)" : "raw queue " + Cli.bytes(raw.capacity()) + " (direct)",
                raw == null ? "(no deframer)" : "deframer (COBS, " + o.device.check + ")",
                Cli.bytes(framed.capacity()), log == null ? "off" : log.current()));
        if (mqtt != null) {
            out.println("mqtt: consumer -> MQTT queue " + Cli.bytes(o.mqtt.queue) + " -> forwarder (QoS 1) -> "
                    + mqtt.description());
        }
        out.flush();

        if (!o.noChart) {
            thread("telemetry-chart-warm-up", RunChart::warmUp).start();
        }
        Thread consumerThread = thread("telemetry-consumer", consumer::run);
        Thread deframerThread = raw == null ? null : thread("telemetry-deframer", () -> deframe(deframer, raw, framed));
        Thread hook = new Thread(this::interrupted, "telemetry-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        long start = System.nanoTime();
        try (RunMetrics metrics = RunMetrics.open(o.jmx, o.jfr, raw, framed, deframer, mqtt)) {
            if (o.jfr != null) {
                out.println("telemetry: recording to " + o.jfr + " (jfr print --events dev.bbq.QueueSample " + o.jfr + ")");
            }
            consumerThread.start();
            if (deframerThread != null) {
                deframerThread.start();
            }
            if (source instanceof SensorThreadsSource sensors) {
                sensors.start(framed.sharedFrameProducer()); // several threads, one framed queue
            } else {
                source.start(raw == null ? null : raw.producer(), raw == null && file == null ? framed.frameProducer() : null);
            }
            sample(source, raw, framed, deframer, consumer, start);
            source.stop();
            boolean drained = source.awaitStopped(DRAIN_SECONDS, TimeUnit.SECONDS)
                    && join(deframerThread) && join(consumerThread);
            if (mqtt != null) {
                mqtt.finish(o.mqtt.drain);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (terminal && !o.quiet) {
                out.println();
            }
            if (!drained) {
                out.println("telemetry: the pipeline did not drain within " + DRAIN_SECONDS + " s; counts are partial");
            }
            interval = consumer.latency.getIntervalHistogram(interval);
            total.add(interval);
            Summary summary = new Summary(o, source, raw, framed, deframer, consumer, total, seconds);
            String text = summary.text();
            out.print(text);
            out.flush();
            writeFiles(summary, text, consumer, log);
            if (source.failure() != null) {
                out.println("telemetry: the source failed: " + source.failure());
                return Cli.FAILED;
            }
            return summary.ok() ? Cli.OK : Cli.INTEGRITY;
        } finally {
            if (mqtt != null) {
                mqtt.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down (Ctrl-C): the hook is running and waits for us
            }
            out.flush();
        }
    }

    /** The deframer thread: raw queue to framed queue until the raw stream ends, then end of stream downstream. */
    private static void deframe(Deframer deframer, BBQueue raw, BBQueue framed) {
        FrameProducer producer = framed.frameProducer();
        try {
            deframer.run(raw.consumer(), producer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (QueueClosedException e) {
            // the consumer went away
        } finally {
            producer.close();
        }
    }

    /** Samples until the duration ends, Ctrl-C, or the source stops on its own. */
    private void sample(Source source, BBQueue raw, BBQueue framed, Deframer deframer, RecordConsumer consumer,
                        long start) throws InterruptedException {
        long end = start + o.device.duration.toNanos();
        long lastFrames = 0;
        long lastBytes = 0;
        long last = start;
        long statusFrames = 0;
        long statusBytes = 0;
        long statusAt = start;
        Histogram status = new Histogram(3);
        int n = 0;
        while (true) {
            long now = System.nanoTime();
            long wait = Math.min(end - now, last + TimeUnit.MILLISECONDS.toNanos(SAMPLE_MILLIS) - now);
            if (wait > 0 && stopEarly.await(wait, TimeUnit.NANOSECONDS)) {
                return;
            }
            now = System.nanoTime();
            long frames = consumer.counter(RecordConsumer.FRAMES);
            long bytes = consumer.counter(RecordConsumer.BYTES);
            interval = consumer.latency.getIntervalHistogram(interval);
            total.add(interval);
            status.add(interval);
            double dt = (now - last) / 1e9;
            if (dt > 0.01 && !o.noChart) { // only the chart reads them: --no-chart keeps a long run's memory flat
                samples.add(new RunChart.Sample((now - start) / 1e9, (frames - lastFrames) / dt,
                        (bytes - lastBytes) / dt / (1 << 20), interval.getValueAtPercentile(50) / 1e3,
                        interval.getValueAtPercentile(99) / 1e3, interval.getMaxValue() / 1e3));
            }
            lastFrames = frames;
            lastBytes = bytes;
            last = now;
            if (++n % SAMPLES_PER_STATUS == 0 || now - end >= 0) {
                double sdt = (now - statusAt) / 1e9;
                printStatus((now - start) / 1e9, (frames - statusFrames) / sdt,
                        (bytes - statusBytes) / sdt / (1 << 20), source, raw, framed, deframer, consumer, status);
                statusFrames = frames;
                statusBytes = bytes;
                statusAt = now;
                status.reset();
            }
            if (now - end >= 0 || !source.isRunning()) {
                return;
            }
        }
    }

    private void printStatus(double t, double fps, double mibps, Source source, BBQueue raw, BBQueue framed,
                             Deframer deframer, RecordConsumer consumer, Histogram latency) {
        if (o.quiet) {
            return;
        }
        DeframerStats d = deframer == null ? null : deframer.stats();
        long drops = source.framesDropped() + (d == null ? 0 : d.framesDropped());
        long crc = (d == null ? 0 : d.crcErrors()) + consumer.counter(RecordConsumer.RECORD_CRC_ERRORS);
        long bad = (d == null ? 0 : d.malformedFrames() + d.oversizeFrames()) + consumer.counter(RecordConsumer.MALFORMED);
        StringBuilder line = new StringBuilder(160);
        line.append(String.format(Locale.ROOT, "%6.1f s %,9.0f frames/s %6.2f MiB/s", t, fps, mibps));
        if (raw != null) {
            line.append(" | raw ").append(fill(raw.stats()));
        }
        line.append(" | framed ").append(fill(framed.stats()));
        line.append(String.format(Locale.ROOT, " | drops %,d | crc %,d", drops, crc));
        if (bad > 0) {
            line.append(String.format(Locale.ROOT, " bad %,d", bad));
        }
        if (consumer.mqtt() != null) {
            line.append(consumer.mqtt().status());
        }
        if (latency.getTotalCount() > 0) {
            line.append(" | latency p50 ").append(Cli.micros(latency.getValueAtPercentile(50)))
                    .append(" p99 ").append(Cli.micros(latency.getValueAtPercentile(99)));
        }
        if (terminal) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
    }

    private static String fill(QueueStats s) {
        return String.format(Locale.ROOT, "%3.0f%% (hwm %3.0f%%)", 100 * s.fill(),
                100.0 * s.highWaterMark() / s.capacity());
    }

    private void writeFiles(Summary summary, String text, RecordConsumer consumer, TelemetryLog log) {
        try {
            Files.createDirectories(o.out);
            Files.writeString(o.out.resolve("summary.txt"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            out.println("summary.txt not written: " + Cli.oneLineMessage(e));
        }
        if (log != null) {
            out.println(summary.logLine(log, consumer.logFailure()));
        }
        if (!o.noChart) {
            Path png = o.out.resolve("telemetry.png");
            try {
                RunChart.write(png, String.format(Locale.ROOT, "bbq telemetry: %s", summary.title()), samples,
                        consumer.relativeLatency());
                out.println("chart: " + png);
            } catch (IOException | RuntimeException | LinkageError e) {
                out.println("chart not written: " + Cli.oneLineMessage(e));
            }
        }
        out.println("summary: " + o.out.resolve("summary.txt"));
        out.flush();
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private static boolean join(Thread t) throws InterruptedException {
        if (t == null) {
            return true;
        }
        t.join(TimeUnit.SECONDS.toMillis(DRAIN_SECONDS));
        return !t.isAlive();
    }

    /** Ctrl-C: end the run early and let it print its summary before the JVM exits. */
    private void interrupted() {
        stopEarly.countDown();
        try {
            finished.await(DRAIN_SECONDS + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
