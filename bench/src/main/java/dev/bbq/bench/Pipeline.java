package dev.bbq.bench;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;

/**
 * The telemetry pipeline of the demo, end to end, over three candidates' queues: a driver thread
 * (the simulated device, {@link TelemetrySource}) hands chunks of wire bytes to a raw queue, a
 * deframer thread decodes them ({@code dev.bbq.wire.Deframer}) into a framed queue, and a consumer
 * thread checks every record ({@link TelemetryCheck}). Candidates ({@link PipelineRig}): bbq,
 * {@code ArrayBlockingQueue<byte[]>} with an array per chunk and per record, and Agrona's
 * {@code OneToOneRingBuffer} with {@code BackoffIdleStrategy}.
 *
 * <p>Each candidate runs in its own JVM, all with the same flags, and the JVMs stay up; in each
 * round every candidate gets one run per rate, one after the other in an order that rotates from
 * round to round, while the others are idle (their threads have ended). A run starts fresh queues
 * and threads, lets them settle ({@code --warm-ms}), then measures over a window ({@code --window-ms}):
 * the process's CPU time ({@code OperatingSystemMXBean.getProcessCpuTime}: every thread, the JIT and
 * the collector included, JVM start-up excluded) per record checked in the window, collections
 * ({@code GarbageCollectorMXBean} counts), and the latency from the driver's hand-off to the check.
 * Then the driver stops and the run fails unless every record sent was checked and found intact.
 *
 * <p>Rates: fixed ones, where the driver wakes when records are due ({@code parkNanos}, so each
 * hand-off carries the records that fell due meanwhile), and the highest each sustains: the driver
 * sends full chunks as fast as the raw queue takes them, and the rate is what the consumer checked.
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar pipeline --quick     # about 1 minute
 *   java -jar bench/target/benchmarks.jar pipeline [--rates 20000,200000] [--rounds 10] [--warmup-rounds 1]
 *        [--warm-ms 500] [--window-ms 2000] [--no-max] [--jvm PATH] [--jvm-args "FLAGS"]
 * </pre>
 *
 * With {@code --jvm-args "-Dbbq.pipeline.wait=park"} bbq's queues park at once instead of spinning
 * first ({@link PipelineRig.Bbq}), to see what the spins cost.
 *
 * <p>The output ends with one line per fixed rate:
 * {@code pipeline <rate>/s cpu/frame: bbq <x> us, abq <y> us, agrona <z> us; gc cycles: bbq <n>, abq <m>, agrona <k>},
 * with each candidate's median CPU per record over the measured rounds and its collections summed
 * over them.
 */
public final class Pipeline {
    /** The child JVMs' flags, the same for every candidate (Agrona needs the export). */
    static final List<String> JVM_FLAGS = List.of("-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true");
    /** A fixed rate that a candidate reaches below this share of is reported as not sustained. */
    static final double SUSTAINED = 0.95;

    private Pipeline() {
    }

    /** What one run measured in its window, and what the whole run checked. */
    static final class Result {
        long frames;
        long chunks;
        long cpuNanos;
        /**
         * The driver thread's share of {@link #cpuNanos}: the simulated device's wake-ups, encoding and
         * hand-offs (a hand-off to bbq or ABQ also wakes the sleeping deframer; Agrona's polls).
         */
        long driverCpuNanos;
        long gcCycles;
        long windowNanos;
        long sent;
        long checked;
        long errors;
        long deframerErrors;
        Histogram latency;

        double cpuMicrosPerFrame() {
            return frames == 0 ? Double.NaN : cpuNanos / 1000.0 / frames;
        }

        /** CPU per record without the driver thread: the queues, the deframer, the consumer, the JVM. */
        double pipelineMicrosPerFrame() {
            return frames == 0 ? Double.NaN : (cpuNanos - driverCpuNanos) / 1000.0 / frames;
        }

        double chunkFrames() {
            return chunks == 0 ? Double.NaN : (double) frames / chunks;
        }

        double rate() {
            return frames * 1e9 / windowNanos;
        }

        /** Why the run is not a valid measurement, or null. */
        String failure() {
            if (errors != 0 || deframerErrors != 0) {
                return errors + " bad records, " + deframerErrors + " deframer errors";
            }
            if (checked != sent) {
                return "sent " + sent + " records, checked " + checked;
            }
            return frames == 0 ? "no record checked in the window" : null;
        }

        String encode() {
            return String.join(" ", Long.toString(frames), Long.toString(chunks), Long.toString(cpuNanos),
                    Long.toString(driverCpuNanos), Long.toString(gcCycles),
                    Long.toString(windowNanos), Long.toString(sent), Long.toString(checked), Long.toString(errors),
                    Long.toString(deframerErrors), RoundTrips.encode(latency));
        }

        static Result decode(String line) {
            String[] f = line.trim().split(" ");
            Result r = new Result();
            r.frames = Long.parseLong(f[0]);
            r.chunks = Long.parseLong(f[1]);
            r.cpuNanos = Long.parseLong(f[2]);
            r.driverCpuNanos = Long.parseLong(f[3]);
            r.gcCycles = Long.parseLong(f[4]);
            r.windowNanos = Long.parseLong(f[5]);
            r.sent = Long.parseLong(f[6]);
            r.checked = Long.parseLong(f[7]);
            r.errors = Long.parseLong(f[8]);
            r.deframerErrors = Long.parseLong(f[9]);
            r.latency = RoundTrips.decode(f[10]);
            return r;
        }
    }

    /** The driver thread: the simulated device. */
    private static final class Driver implements Runnable {
        private final PipelineRig rig;
        private final long rate;
        volatile boolean stop;
        long sent;
        /** Hand-offs so far; read by the measuring thread. */
        volatile long chunks;

        Driver(PipelineRig rig, long rate) {
            this.rig = rig;
            this.rate = rate;
        }

        @Override
        public void run() {
            TelemetrySource source = new TelemetrySource();
            byte[] chunk = new byte[PipelineRig.CHUNK];
            double nanosPerFrame = rate == 0 ? 0 : 1e9 / rate;
            long start = System.nanoTime();
            long seq = 0;
            try {
                while (!stop) {
                    long now = System.nanoTime();
                    long due = rate == 0 ? Long.MAX_VALUE : (long) ((now - start) / nanosPerFrame);
                    int at = 0;
                    while (seq < due && at + source.maxWireLength <= chunk.length) {
                        at = source.encode(seq++, now, chunk, at);
                    }
                    if (at > 0) {
                        rig.send(chunk, at);
                        chunks++; // single writer: this thread
                    } else {
                        LockSupport.parkNanos(Math.max(1, (long) ((seq + 1) * nanosPerFrame) - (now - start)));
                    }
                }
                sent = seq;
                rig.end();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One run of {@code candidate} in this JVM: fresh queues and threads at {@code rate} records per
     * second (0: as fast as it goes), {@code warmMillis} unmeasured, then a window of {@code windowMillis}.
     */
    static Result run(String candidate, long rate, long warmMillis, long windowMillis) throws InterruptedException {
        PipelineRig rig = PipelineRig.of(candidate);
        TelemetryCheck check = new TelemetryCheck();
        Driver driver = new Driver(rig, rate);
        // A clean heap for every run: the harness's own garbage from earlier runs (queues,
        // histograms) must not bring a collection into this run's window.
        System.gc();
        Throwable[] failure = new Throwable[1];
        Thread driving = new Thread(driver, "driver");
        List<Thread> threads = List.of(driving,
                new Thread(() -> call(rig::deframe), "deframer"),
                new Thread(() -> call(() -> rig.consume(check)), "consumer"));
        for (Thread t : threads) {
            t.setUncaughtExceptionHandler((thread, e) -> failure[0] = e);
            t.start();
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
        Thread.sleep(warmMillis);
        Result r = new Result();
        long driver0 = threadBean.getThreadCpuTime(driving.getId());
        long cpu0 = os.getProcessCpuTime();
        long gc0 = gcCycles();
        long checked0 = check.checked();
        long chunks0 = driver.chunks;
        long t0 = System.nanoTime();
        check.recording = true;
        Thread.sleep(windowMillis);
        check.recording = false;
        r.windowNanos = System.nanoTime() - t0;
        r.frames = check.checked() - checked0;
        r.chunks = driver.chunks - chunks0;
        r.cpuNanos = os.getProcessCpuTime() - cpu0;
        r.driverCpuNanos = threadBean.getThreadCpuTime(driving.getId()) - driver0;
        r.gcCycles = gcCycles() - gc0;
        driver.stop = true;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            if (t.isAlive()) {
                throw new IllegalStateException(candidate + ": the " + t.getName() + " thread did not end");
            }
        }
        if (failure[0] != null) {
            throw new IllegalStateException(candidate + " failed", failure[0]);
        }
        r.sent = driver.sent;
        r.checked = check.checked();
        r.errors = check.errors();
        r.deframerErrors = rig.deframer.stats().errors();
        r.latency = check.latency; // its writer has ended
        return r;
    }

    private interface Body {
        void run() throws InterruptedException;
    }

    private static void call(Body body) {
        try {
            body.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long gcCycles() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /** The summary line of one fixed rate, as the issue specifies it. */
    static String summaryLine(long rate, Map<String, Double> cpuMicros, Map<String, Long> gcCycles) {
        StringBuilder b = new StringBuilder("pipeline ").append(rate).append("/s cpu/frame: ");
        String sep = "";
        for (String c : PipelineRig.CANDIDATES) {
            b.append(sep).append(c).append(' ').append(String.format(Locale.ROOT, "%.2f", cpuMicros.get(c))).append(" us");
            sep = ", ";
        }
        b.append("; gc cycles: ");
        sep = "";
        for (String c : PipelineRig.CANDIDATES) {
            b.append(sep).append(c).append(' ').append(gcCycles.get(c));
            sep = ", ";
        }
        return b.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // The parent

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args[1]);
            return;
        }
        List<Long> rates = List.of(20_000L, 200_000L);
        boolean max = true;
        int rounds = 10;
        int warmupRounds = 1;
        long warmMillis = 500;
        long windowMillis = 2000;
        String jvm = ChildJvm.JAVA;
        List<String> jvmArgs = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick": rounds = 3; warmMillis = 300; windowMillis = 1000; break;
                case "--no-max": max = false; break;
                case "--rates": rates = parseRates(args[++i]); break;
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                case "--warmup-rounds": warmupRounds = Integer.parseInt(args[++i]); break;
                case "--warm-ms": warmMillis = Long.parseLong(args[++i]); break;
                case "--window-ms": windowMillis = Long.parseLong(args[++i]); break;
                case "--jvm": jvm = args[++i]; break;
                case "--jvm-args": jvmArgs = List.of(args[++i].trim().split("\\s+")); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Long> all = new ArrayList<>(rates);
        if (max) {
            all.add(0L);
        }
        PrintStream out = System.out;
        List<String> flags = new ArrayList<>(JVM_FLAGS);
        flags.addAll(jvmArgs);
        out.printf(Locale.ROOT, "pipeline: driver -> raw queue -> deframer -> framed queue -> consumer, every record"
                + " checked; %d measured rounds (+%d warm-up) of %d ms after %d ms; each candidate in its own JVM: %s %s%n",
                rounds, warmupRounds, windowMillis, warmMillis, jvm, String.join(" ", flags));
        Map<String, Child> children = new LinkedHashMap<>();
        try {
            for (String c : PipelineRig.CANDIDATES) {
                children.put(c, new Child(jvm, flags, c));
            }
            for (Child child : children.values()) {
                child.expect("READY");
            }
            // results.get(rate).get(candidate): one per measured round
            Map<Long, Map<String, List<Result>>> results = new LinkedHashMap<>();
            for (long rate : all) {
                Map<String, List<Result>> byCandidate = new LinkedHashMap<>();
                for (String c : PipelineRig.CANDIDATES) {
                    byCandidate.put(c, new ArrayList<>());
                }
                results.put(rate, byCandidate);
            }
            for (int round = 0; round < warmupRounds + rounds; round++) {
                for (long rate : all) {
                    for (int k = 0; k < PipelineRig.CANDIDATES.size(); k++) {
                        String c = PipelineRig.CANDIDATES.get((round + k) % PipelineRig.CANDIDATES.size());
                        Result r = children.get(c).run(rate, warmMillis, windowMillis);
                        String failure = r.failure();
                        if (failure != null) {
                            throw new IllegalStateException(c + " at " + label(rate) + ": " + failure);
                        }
                        if (round >= warmupRounds) {
                            results.get(rate).get(c).add(r);
                        }
                    }
                }
            }
            List<String> summary = new ArrayList<>();
            for (long rate : all) {
                String line = report(out, rate, results.get(rate));
                if (rate != 0) {
                    summary.add(line);
                }
            }
            summary.forEach(out::println);
        } finally {
            for (Child child : children.values()) {
                child.close();
            }
        }
    }

    private static List<Long> parseRates(String value) {
        List<Long> rates = new ArrayList<>();
        for (String s : value.split(",")) {
            long rate = Long.parseLong(s.trim());
            if (rate <= 0) {
                throw new IllegalArgumentException("rate " + rate + ": must be positive");
            }
            rates.add(rate);
        }
        return rates;
    }

    private static String label(long rate) {
        return rate == 0 ? "max rate" : rate + "/s";
    }

    /** Prints one rate's table; returns its summary line. */
    static String report(PrintStream out, long rate, Map<String, List<Result>> byCandidate) {
        out.printf(Locale.ROOT, "%n%s%n", rate == 0 ? "highest rate each sustains (driver unpaced; latency is"
                + " then mostly time queued)" : "fixed rate " + rate + " records/s");
        out.printf(Locale.ROOT, "  %-7s %10s %8s %9s %17s %12s %5s %9s %9s %9s%n", "", "records/s", "rec/send",
                "cpu/rec", "(min-max) us", "w/o driver", "gc", "p50 us", "p99 us", "p99.9 us");
        Map<String, Double> cpu = new LinkedHashMap<>();
        Map<String, Long> gc = new LinkedHashMap<>();
        for (Map.Entry<String, List<Result>> e : byCandidate.entrySet()) {
            List<Result> rs = e.getValue();
            double[] cpus = rs.stream().mapToDouble(Result::cpuMicrosPerFrame).toArray();
            double[] rates = rs.stream().mapToDouble(Result::rate).toArray();
            long cycles = rs.stream().mapToLong(r -> r.gcCycles).sum();
            Histogram pooled = RoundTrips.histogram();
            rs.forEach(r -> pooled.add(r.latency));
            double[] sorted = cpus.clone();
            Arrays.sort(sorted);
            double median = Paired.percentile(sorted, 50);
            double medianRate = median(rates);
            cpu.put(e.getKey(), median);
            gc.put(e.getKey(), cycles);
            double perSend = median(rs.stream().mapToDouble(Result::chunkFrames).toArray());
            double pipelineOnly = median(rs.stream().mapToDouble(Result::pipelineMicrosPerFrame).toArray());
            out.printf(Locale.ROOT, "  %-7s %10.0f %8.1f %9.2f %8.2f-%-8.2f %9.2f us %5d %9.1f %9.1f %9.1f%s%n", e.getKey(),
                    medianRate, perSend, median, sorted[0], sorted[sorted.length - 1], pipelineOnly, cycles,
                    pooled.getValueAtPercentile(50) / 1000.0, pooled.getValueAtPercentile(99) / 1000.0,
                    pooled.getValueAtPercentile(99.9) / 1000.0,
                    rate != 0 && medianRate < SUSTAINED * rate ? "  NOT SUSTAINED" : "");
        }
        for (String peer : List.of("abq", "agrona")) {
            out.printf(Locale.ROOT, "  bbq/%s cpu per record, paired by round: %s; without the driver thread: %s%n", peer,
                    pairedRatios(byCandidate.get("bbq"), byCandidate.get(peer), Result::cpuMicrosPerFrame),
                    pairedRatios(byCandidate.get("bbq"), byCandidate.get(peer), Result::pipelineMicrosPerFrame));
        }
        return summaryLine(rate, cpu, gc);
    }

    /** The median and range of the per-round ratios {@code a/b} of a measure. */
    private static String pairedRatios(List<Result> a, List<Result> b, ToDoubleFunction<Result> measure) {
        double[] ratios = new double[Math.min(a.size(), b.size())];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = measure.applyAsDouble(a.get(i)) / measure.applyAsDouble(b.get(i));
        }
        Arrays.sort(ratios);
        return String.format(Locale.ROOT, "median %.2fx (%.2f-%.2f)", Paired.percentile(ratios, 50), ratios[0],
                ratios[ratios.length - 1]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return Paired.percentile(sorted, 50);
    }

    // ---------------------------------------------------------------------------------------------
    // The child: one candidate, a run per command

    private static void child(String candidate) throws Exception {
        PipelineRig.of(candidate); // fail early on a bad name
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = System.out;
        out.println("READY");
        out.flush();
        for (String line = commands.readLine(); line != null && !line.equals("quit"); line = commands.readLine()) {
            String[] w = line.split(" ");
            Result r = run(candidate, Long.parseLong(w[1]), Long.parseLong(w[2]), Long.parseLong(w[3]));
            out.println("RESULT " + r.encode());
            out.flush();
        }
    }

    /** The parent's handle on one candidate's JVM. */
    private static final class Child implements AutoCloseable {
        private final ChildJvm jvm;

        Child(String jvm, List<String> flags, String candidate) throws IOException {
            this.jvm = new ChildJvm(candidate, jvm, flags, System.getProperty("java.class.path"), Pipeline.class,
                    "child", candidate);
        }

        Result run(long rate, long warmMillis, long windowMillis) throws IOException {
            jvm.send("run " + rate + " " + warmMillis + " " + windowMillis);
            return Result.decode(jvm.expect("RESULT ").substring("RESULT ".length()));
        }

        String expect(String prefix) throws IOException {
            return jvm.expect(prefix);
        }

        @Override
        public void close() throws InterruptedException {
            jvm.close();
        }
    }
}
