package dev.bbq.bench;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Two-thread throughput in interleaved rounds, for a machine whose two-thread rate drifts.
 *
 * <p>On a shared virtual machine the rate of two spinning threads moves between regimes by several
 * times within seconds (where the hypervisor runs the two vCPUs decides it), so two candidates
 * measured one after the other, as JMH forks are, can be compared across different regimes. Here
 * every candidate runs in its own JVM (its code compiled for it alone, as in a JMH fork) and all
 * of them stay up; the parent lets them run in turn, one short round each, rotating the order, so
 * that the candidates of one round ran within a second of each other. Each round gives a ratio
 * per candidate against the reference; the report is the distribution of those paired ratios.
 *
 * <p>Same channels, workloads, sequence check and JVM flags as {@link ThroughputBenchmark}; while
 * one candidate runs, the others' threads are parked. A candidate written {@code NAME@JAR} runs
 * from another build of this module (a core change against the build before it, in the same rounds).
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar paired [--candidates A,B,...] [--vs AGRONA_CLAIM]
 *        [--workloads W,...] [--budgets N,...] [--rounds 30] [--round-ms 200] [--warmup-rounds 10]
 *        [--jvm PATH] [--jvm-args "FLAGS"] [--out FILE.csv]
 *   java -jar bench/target/benchmarks.jar paired --bulk 4096,65536     # bbq raw and Agrona against a one-thread copy
 *   java -jar bench/target/benchmarks.jar paired --mode latency        # median round trip per round, 64 B
 *   java -jar bench/target/benchmarks.jar paired --mode one-jvm        # all candidates in one JVM, see OneJvm
 *   java -jar bench/target/benchmarks.jar paired --mode one-jvm --threads 1   # one thread's CPU per message there
 *        [--exercise none]                                             # the control: no other buffer types
 * </pre>
 *
 * <p>With {@code --bulk}, the candidates are {@link Bulk} kinds moving chunks of the given sizes
 * (default: {@code BBQ_RAW,AGRONA_CLAIM} against {@code ONE_THREAD_COPY}, 1 MiB) and rates are in
 * GiB/s. With {@code --mode latency}, each candidate's round trips of all measured rounds are also
 * pooled into one distribution ({@link RoundTrips}) for its rare stalls; with {@code --out}, each
 * pooled distribution is written beside the CSV as an {@code .hgrm} file, and a chart of them all
 * as a PNG. With {@code --mode one-jvm}, the candidates (default: bbq framed write, framed grant and
 * raw reusable against Agrona claim on 64 B, 256 B and bimodal sizes) share one JVM with code that
 * gives their {@code ByteBuffer} call sites other buffer types ({@link OneJvm}); rounds still rotate
 * and ratios are still per round.
 */
public final class Paired {
    private static final int MASK = Workload.PERIOD - 1;
    /** Time each round's threads get before the count starts (their caches and branch predictors refill). */
    private static final long RAMP_MILLIS = 20;

    private Paired() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            Workload workload = Workload.valueOf(args[2]);
            child(Candidate.valueOf(args[1]).open(workload, Integer.parseInt(args[3]), Mode.SPIN), workload.sizes());
            return;
        }
        if (args.length > 0 && args[0].equals("child-bulk")) {
            child(Bulk.valueOf(args[1]).open(Integer.parseInt(args[2]), Integer.parseInt(args[3])),
                    new int[Workload.PERIOD]);
            return;
        }
        if (args.length > 0 && args[0].equals("child-one-jvm")) {
            OneJvm.child(args[1], args[2], args[3], args[4], args[5]);
            return;
        }
        if (args.length > 0 && args[0].equals("child-latency")) {
            Candidate candidate = Candidate.valueOf(args[1]);
            Workload workload = Workload.valueOf(args[2]);
            int budget = Integer.parseInt(args[3]);
            serve(new PingPong(candidate.open(workload, budget, Mode.SPIN), candidate.open(workload, budget, Mode.SPIN),
                    workload.sizes()));
            return;
        }
        List<String> candidates = List.of("BBQ_FRAMED_WRITE");
        String reference = "AGRONA_CLAIM";
        List<String> workloads = names(Workload.values());
        List<String> budgets = List.of("65536", "1048576");
        int rounds = 30;
        int roundMillis = 200;
        int warmupRounds = 10;
        String jvm = ChildJvm.JAVA;
        List<String> jvmArgs = List.of();
        Path out = null;
        boolean bulk = false;
        boolean latency = false;
        boolean oneJvm = false;
        int threads = 2;
        boolean exercise = true;
        for (int i = 0; i < args.length - 1; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--candidates": candidates = List.of(value.split(",")); break;
                case "--vs": reference = value; break;
                case "--workloads": workloads = List.of(value.split(",")); break;
                case "--budgets": budgets = List.of(value.split(",")); break;
                case "--rounds": rounds = Integer.parseInt(value); break;
                case "--round-ms": roundMillis = Integer.parseInt(value); break;
                case "--warmup-rounds": warmupRounds = Integer.parseInt(value); break;
                case "--jvm": jvm = value; break;
                case "--jvm-args": jvmArgs = List.of(value.trim().split("\\s+")); break;
                case "--out": out = Paths.get(value); break;
                case "--threads": threads = Integer.parseInt(value); break;
                case "--exercise":
                    if (!value.equals("none") && !value.equals("all")) {
                        throw new IllegalArgumentException("--exercise " + value + ": all or none");
                    }
                    exercise = value.equals("all");
                    break;
                case "--bulk": bulk = true; workloads = List.of(value.split(",")); break;
                case "--mode":
                    if (value.equals("latency")) {
                        latency = true;
                    } else if (value.equals("one-jvm")) {
                        oneJvm = true;
                    } else {
                        throw new IllegalArgumentException("--mode " + value + ": latency or one-jvm");
                    }
                    break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (bulk) {
            if (!Arrays.asList(args).contains("--candidates")) {
                candidates = List.of("BBQ_RAW", "AGRONA_CLAIM");
            }
            if (!Arrays.asList(args).contains("--vs")) {
                reference = "ONE_THREAD_COPY";
            }
            if (!Arrays.asList(args).contains("--budgets")) {
                budgets = List.of("1048576");
            }
        }
        if (latency) {
            if (!Arrays.asList(args).contains("--workloads")) {
                workloads = List.of("FIXED_64");
            }
            if (!Arrays.asList(args).contains("--budgets")) {
                budgets = List.of("65536");
            }
        }
        if (oneJvm) {
            if (bulk) {
                throw new IllegalArgumentException("--mode one-jvm measures messages, not --bulk chunks");
            }
            if (!Arrays.asList(args).contains("--candidates")) {
                candidates = List.of("BBQ_FRAMED_WRITE", "BBQ_FRAMED_GRANT", "BBQ_RAW_REUSABLE");
            }
            if (!Arrays.asList(args).contains("--workloads")) {
                workloads = List.of("FIXED_64", "FIXED_256", "BIMODAL_48_1K");
            }
            if (!Arrays.asList(args).contains("--budgets")) {
                budgets = List.of("65536");
            }
            if (threads != 1 && threads != 2) {
                throw new IllegalArgumentException("--threads " + threads + ": 1 or 2");
            }
            for (String name : candidates) {
                if (name.contains("@")) {
                    throw new IllegalArgumentException("--mode one-jvm runs one build: " + name);
                }
            }
        }
        if ((threads != 2 || !exercise) && !oneJvm) {
            throw new IllegalArgumentException("--threads and --exercise go with --mode one-jvm");
        }
        String childMode = bulk ? "child-bulk" : latency ? "child-latency" : oneJvm ? "child-one-jvm" : "child";
        List<String> all = new ArrayList<>(candidates);
        all.add(reference);
        for (String name : all) {
            // fail before any child starts
            if (bulk) {
                Bulk.valueOf(candidateName(name));
            } else {
                Candidate.valueOf(candidateName(name));
            }
        }
        PrintStream console = System.out;
        console.printf(Locale.ROOT, "Paired rounds: %d x %d ms per candidate after %d warm-up rounds, order rotated; "
                + "ratio = candidate / %s in the same round%n", rounds, roundMillis, warmupRounds, reference);
        String unit = bulk ? "GiB/s" : latency ? "p50 ns" : threads == 1 ? "M msg/cpu-s" : "M msg/s";
        if (oneJvm) {
            console.println(exercise ? "One JVM: every candidate's code loaded and run in one JVM, beside bbq over heap "
                    + "and mapped rings, Agrona copying and JCTools with pooled direct buffers (one unmeasured turn of "
                    + "those before every measured round), so that ByteBuffer call sites see several buffer types"
                    : "One JVM, no exercisers (--exercise none): only the candidates share the JVM");
            if (threads == 1) {
                console.println("One thread: each turn sends batches of " + CostBenchmark.BATCH + " messages and "
                        + "receives them; the rate is messages per second of that thread's CPU time");
            }
        }
        if (latency) {
            console.println("Round trips through two queues of each candidate; per round the median round trip in ns "
                    + "(a ratio below 1 is faster than the reference)");
        }
        console.printf(Locale.ROOT, "%-40s %-16s %8s %10s %10s %8s %17s %15s %7s%n", "candidate",
                bulk ? "chunk" : "workload", "budget", unit, "ref", "ratio", "p25-p75", "min-max", ">=1.5x");
        try (Writer csv = out == null ? Writer.nullWriter() : Files.newBufferedWriter(out, StandardCharsets.UTF_8);
             PrintWriter rows = new PrintWriter(csv)) {
            rows.println("candidate,reference,workload,budget,round,rate,reference_rate,ratio,"
                    + "per_poll,empty_polls,refused_per_message");
            for (String budget : budgets) {
                for (String workload : workloads) {
                    String mode = oneJvm ? childMode + "-" + threads + (exercise ? "" : "-none") : childMode;
                    compare(all, mode, workload, Integer.parseInt(budget), rounds, roundMillis, warmupRounds,
                            jvm, jvmArgs, console, rows, out);
                }
            }
        }
    }

    /** One candidate in one configuration of a paired session: the distribution of its per-round ratios. */
    static final class Pairing {
        final String candidate;
        final String reference;
        final String workload;
        final int budget;
        final int rounds;
        /** Median over rounds of the candidate's and the reference's measurements. */
        final double rate;
        final double referenceRate;
        /** Median, first and third quartile, least and greatest of the per-round ratios {@code rate / referenceRate}. */
        final double ratio;
        final double ratioP25;
        final double ratioP75;
        final double ratioMin;
        final double ratioMax;
        /** Rounds whose ratio reached the issue's 1.5x target. */
        final int roundsAtTarget;

        private Pairing(String candidate, String reference, String workload, int budget, double[] rates,
                        double[] referenceRates) {
            this.candidate = candidate;
            this.reference = reference;
            this.workload = workload;
            this.budget = budget;
            this.rounds = rates.length;
            this.rate = median(rates);
            this.referenceRate = median(referenceRates);
            double[] ratios = new double[rounds];
            int atTarget = 0;
            for (int r = 0; r < rounds; r++) {
                ratios[r] = rates[r] / referenceRates[r];
                atTarget += ratios[r] >= 1.5 ? 1 : 0;
            }
            Arrays.sort(ratios);
            ratio = percentile(ratios, 50);
            ratioP25 = percentile(ratios, 25);
            ratioP75 = percentile(ratios, 75);
            ratioMin = ratios[0];
            ratioMax = ratios[rounds - 1];
            roundsAtTarget = atTarget;
        }
    }

    /**
     * Reads back the CSV a session wrote with {@code --out}: one {@link Pairing} per candidate,
     * workload and budget, in the order of the file.
     */
    static List<Pairing> read(Path csv) throws IOException {
        Map<String, List<String[]>> byConfiguration = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            byConfiguration.computeIfAbsent(cells[0] + "," + cells[1] + "," + cells[2] + "," + cells[3],
                    k -> new ArrayList<>()).add(cells);
        }
        List<Pairing> pairings = new ArrayList<>();
        for (List<String[]> rows : byConfiguration.values()) {
            double[] rates = new double[rows.size()];
            double[] referenceRates = new double[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                rates[r] = Double.parseDouble(rows.get(r)[5]);
                referenceRates[r] = Double.parseDouble(rows.get(r)[6]);
            }
            String[] first = rows.get(0);
            pairings.add(new Pairing(first[0], first[1], first[2], Integer.parseInt(first[3]), rates, referenceRates));
        }
        return pairings;
    }

    /** A candidate is named as in {@link Candidate}, optionally {@code @JAR} to run it from another build. */
    private static String candidateName(String spec) {
        int at = spec.indexOf('@');
        return at < 0 ? spec : spec.substring(0, at);
    }

    /** A candidate's name for a file: {@code NAME}, or {@code NAME@jarname} for one from another build. */
    private static String label(String spec) {
        int at = spec.indexOf('@');
        if (at < 0) {
            return spec;
        }
        String jar = Paths.get(spec.substring(at + 1)).getFileName().toString();
        return spec.substring(0, at) + "@" + jar.replaceFirst("\\.jar$", "");
    }

    private static String classPath(String spec) {
        int at = spec.indexOf('@');
        return at < 0 ? System.getProperty("java.class.path") : spec.substring(at + 1);
    }

    private static List<String> names(Enum<?>[] values) {
        List<String> names = new ArrayList<>();
        for (Enum<?> v : values) {
            names.add(v.name());
        }
        return names;
    }

    /**
     * One workload (or bulk chunk) and budget: every candidate in its own JVM, rounds in rotating
     * order. Prints each candidate against the reference and, with more than one candidate, the
     * first against each of the others, from the same rounds.
     */
    private static void compare(List<String> all, String childMode, String workload, int budget, int rounds,
                                int roundMillis, int warmupRounds, String jvm, List<String> jvmArgs, PrintStream console,
                                PrintWriter rows, Path out)
            throws IOException, InterruptedException {
        int n = all.size();
        List<Child> processes = new ArrayList<>();
        List<Contender> children = new ArrayList<>();
        try {
            if (childMode.startsWith("child-one-jvm")) {
                Child shared = new Child(jvm, jvmArgs, String.join(",", all), "child-one-jvm", workload, budget,
                        List.of(childMode.startsWith("child-one-jvm-1") ? "1" : "2",
                                childMode.endsWith("-none") ? "none" : "exercise"));
                processes.add(shared);
                for (int k = 0; k < n; k++) {
                    children.add(shared.turn(k));
                }
            } else {
                for (String name : all) {
                    Child child = new Child(jvm, jvmArgs, name, childMode, workload, budget, List.of());
                    processes.add(child);
                    children.add(child);
                }
            }
            double[][] rates = new double[n][rounds];
            double[][][] details = new double[n][rounds][];
            Histogram[] pooled = new Histogram[n];
            for (int round = -warmupRounds; round < rounds; round++) {
                for (int k = 0; k < n; k++) {
                    int who = Math.floorMod(round + k, n);
                    Contender child = children.get(who);
                    double rate = child.round(roundMillis);
                    if (round >= 0) {
                        rates[who][round] = rate;
                        details[who][round] = child.detail();
                        if (child.histogram() != null) {
                            if (pooled[who] == null) {
                                pooled[who] = RoundTrips.histogram();
                            }
                            pooled[who].add(child.histogram());
                        }
                    }
                }
            }
            double scale = childMode.equals("child-bulk") ? 1 << 30 : childMode.equals("child-latency") ? 1 : 1e6;
            for (int c = 0; c < n - 1; c++) {
                print(console, all.get(c), all.get(n - 1), workload, budget, rates[c], rates[n - 1], scale);
                for (int r = 0; r < rounds; r++) {
                    double[] d = details[c][r];
                    rows.printf(Locale.ROOT, "%s,%s,%s,%d,%d,%.0f,%.0f,%.4f,%s%n", all.get(c), all.get(n - 1), workload,
                            budget, r, rates[c][r], rates[n - 1][r], rates[c][r] / rates[n - 1][r],
                            d.length == 3 ? String.format(Locale.ROOT, "%.3f,%.4f,%.4f", d[0], d[1], d[2]) : ",,");
                }
            }
            for (int c = 1; c < n - 1; c++) {
                print(console, all.get(0) + " / " + all.get(c), all.get(c), workload, budget, rates[0], rates[c], scale);
            }
            if (childMode.startsWith("child-one-jvm-1")) {
                for (int c = 0; c < n; c++) {
                    double[] cpu = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        cpu[r] = details[c][r][0];
                    }
                    console.printf(Locale.ROOT, "%-40s %-16s %8d   one thread: %.1f ns of CPU per message (median over "
                            + "rounds)%n", all.get(c), workload, budget, median(cpu));
                }
            } else if (!childMode.equals("child-latency")) {
                for (int c = 0; c < n; c++) {
                    if (details[c][0].length < 3) {
                        continue; // a build from before the loop counts (NAME@JAR)
                    }
                    double[] perPoll = new double[rounds];
                    double[] empty = new double[rounds];
                    double[] refused = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        perPoll[r] = details[c][r][0];
                        empty[r] = details[c][r][1];
                        refused[r] = details[c][r][2];
                    }
                    console.printf(Locale.ROOT, "%-40s %-16s %8d   loops: %.1f per poll that found any, %.0f %% of polls"
                                    + " empty, %.3f refused offers per message%n",
                            all.get(c), workload, budget, median(perPoll), 100 * median(empty), median(refused));
                }
            }
            if (childMode.equals("child-latency")) {
                for (int c = 0; c < n; c++) {
                    double[] p99 = new double[rounds];
                    double[] p999 = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        p99[r] = details[c][r][0];
                        p999[r] = details[c][r][1];
                    }
                    console.printf(Locale.ROOT, "%-40s %-16s %8d   median over rounds: p99 %.0f ns, p99.9 %.0f ns%n",
                            all.get(c), workload, budget, median(p99), median(p999));
                }
                Map<String, Histogram> byCandidate = new LinkedHashMap<>();
                for (int c = 0; c < n; c++) {
                    if (pooled[c] != null) {
                        console.printf(Locale.ROOT, "%-40s %-16s %8d   %s%n", all.get(c), workload, budget,
                                RoundTrips.summary(pooled[c]));
                        byCandidate.put(label(all.get(c)), pooled[c]);
                    }
                }
                if (out != null && !byCandidate.isEmpty()) {
                    String stem = out.getFileName().toString().replaceFirst("\\.csv$", "") + "-" + workload + "-" + budget;
                    for (Map.Entry<String, Histogram> e : byCandidate.entrySet()) {
                        RoundTrips.writeDistribution(e.getValue(), out.resolveSibling(stem + "-" + e.getKey() + ".hgrm"));
                    }
                    RoundTrips.chart(byCandidate, "Round trips pooled over " + rounds + " rounds, " + workload + ", "
                            + budget + " B rings", out.resolveSibling(stem + ".png"));
                }
            }
            rows.flush();
        } finally {
            for (Child child : processes) {
                child.close();
            }
        }
    }

    /** One line: median rates, and the distribution of the per-round ratios {@code a[r] / b[r]}. */
    private static void print(PrintStream console, String label, String reference, String workload, int budget,
                              double[] a, double[] b, double scale) {
        Pairing p = new Pairing(label, reference, workload, budget, a, b);
        console.printf(Locale.ROOT, "%-40s %-16s %8d %10.2f %10.2f %7.2fx %8.2f-%-8.2f %6.2f-%-8.2f %3d/%d%n",
                label, workload, budget, p.rate / scale, p.referenceRate / scale, p.ratio, p.ratioP25, p.ratioP75,
                p.ratioMin, p.ratioMax, p.roundsAtTarget, p.rounds);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return percentile(sorted, 50);
    }

    /** Linear interpolation between the closest ranks of an ascending array. */
    static double percentile(double[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }

    /** What the parent runs rounds of: a candidate in a JVM of its own, or one of several in a shared JVM. */
    private interface Contender {
        /** Runs one round; returns its measurement (messages or bytes per second, or nanoseconds). */
        double round(int millis) throws IOException;

        /** The rest of the last answer after its measurement (see {@link Child#detail}). */
        double[] detail();

        /** The last round's samples, if the child sends them (latency rounds); else null. */
        Histogram histogram();
    }

    /** The parent's handle on one candidate's JVM (or all of them, one-jvm): a line per command, a line per answer. */
    private static final class Child implements Contender, AutoCloseable {
        private final ChildJvm jvm;

        /** {@code more}: a one-jvm child's threads (1 or 2) and exercisers (exercise or none); empty for the others. */
        Child(String jvm, List<String> jvmArgs, String spec, String childMode, String workload, int budget,
              List<String> more) throws IOException {
            List<String> flags = new ArrayList<>(List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch",
                    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true"));
            flags.addAll(jvmArgs);
            List<String> args = new ArrayList<>(List.of(childMode, candidateName(spec), workload,
                    Integer.toString(budget)));
            args.addAll(more);
            this.jvm = new ChildJvm(spec, jvm, flags, classPath(spec), Paired.class, args.toArray(new String[0]));
            this.jvm.expect("READY");
        }

        /**
         * The rest of the last answer after its measurement: a latency round's p99 and p99.9; a
         * throughput round's messages per non-empty poll, share of empty polls and refused offers per message.
         */
        double[] detail = new double[0];

        /** The last round's samples, if the child sends them (latency rounds); else null. */
        Histogram histogram;

        @Override
        public double round(int millis) throws IOException {
            return ask("run " + millis);
        }

        @Override
        public double[] detail() {
            return detail;
        }

        @Override
        public Histogram histogram() {
            return histogram;
        }

        /** Candidate {@code who} of a JVM that runs them all ({@link OneJvm}). */
        Contender turn(int who) {
            Child shared = this;
            return new Contender() {
                @Override
                public double round(int millis) throws IOException {
                    return shared.ask("run " + who + " " + millis);
                }

                @Override
                public double[] detail() {
                    return shared.detail;
                }

                @Override
                public Histogram histogram() {
                    return null;
                }
            };
        }

        private double ask(String command) throws IOException {
            jvm.send(command);
            histogram = null;
            String line = jvm.expect("RATE ", "HISTOGRAM ");
            if (line.startsWith("HISTOGRAM ")) {
                histogram = RoundTrips.decode(line.substring("HISTOGRAM ".length()));
                line = jvm.expect("RATE ");
            }
            String[] answer = line.substring("RATE ".length()).trim().split(" ");
            detail = new double[answer.length - 1];
            for (int i = 1; i < answer.length; i++) {
                detail[i - 1] = Double.parseDouble(answer[i]);
            }
            return Double.parseDouble(answer[0]);
        }

        @Override
        public void close() throws InterruptedException {
            jvm.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The child: one candidate, a producer and a consumer thread, parked between rounds.

    private static void child(Channel channel, int[] sizes) throws Exception {
        serve(new Rounds(channel, sizes));
    }

    /**
     * A child's side of the protocol: READY, then per "run" command a RATE line (after a HISTOGRAM
     * line if the child keeps samples), until "quit".
     */
    private static void serve(Turns rounds) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        System.out.flush();
        String line;
        while ((line = in.readLine()) != null && line.startsWith("run ")) {
            double rate = rounds.run(Long.parseLong(line.substring(4)));
            String histogram = rounds.histogram();
            if (histogram != null) {
                System.out.println("HISTOGRAM " + histogram);
            }
            System.out.println("RATE " + rate + rounds.detail());
            System.out.flush();
        }
        rounds.stop();
    }

    /** What a child runs in turns: one measured round at a time. */
    interface Turns {
        /** Runs one round of about {@code millis}; returns its measurement. */
        double run(long millis) throws InterruptedException;

        /** What the last round measured beyond its result, as " value value ..."; empty if nothing. */
        default String detail() {
            return "";
        }

        /** The last round's samples as one line of text ({@link RoundTrips#encode}); null if it keeps none. */
        default String histogram() {
            return null;
        }

        /** Ends the threads and closes the queues. */
        void stop() throws InterruptedException;
    }

    /**
     * The two threads of one candidate. A round starts when {@code round} moves on and ends when
     * {@code running} drops; each thread then reports the round it finished in its own word, so the
     * next round starts only when both loops are out of the queue.
     */
    static final class Rounds implements Turns {
        private final Channel channel;
        private final int[] sizes;
        private final Thread producer;
        private final Thread consumer;
        private volatile int round;
        private volatile boolean running;
        private volatile int producerDone;
        private volatile int consumerDone;
        /**
         * Messages the consumer has checked so far, written by the consumer only (opaque), in the
         * middle of an array of its own so that the store never shares a line with {@code running},
         * which the producer loads on every offer.
         */
        private final long[] delivered = new long[2 * SLOT];
        private volatile Throwable failure;
        /** The last round's loop counts, written before {@code producerDone} / {@code consumerDone}. */
        private long offered;
        private long offersRefused;
        private long polled;
        private long pollsEmpty;
        private long taken;

        Rounds(Channel channel, int[] sizes) {
            this.channel = channel;
            this.sizes = sizes;
            producer = new Thread(this::produce, "producer");
            consumer = new Thread(this::consume, "consumer");
            producer.setDaemon(true);
            consumer.setDaemon(true);
            producer.start();
            consumer.start();
        }

        /** Runs a round of {@code millis} after a short ramp; returns delivered messages per second. */
        @Override
        public double run(long millis) throws InterruptedException {
            running = true;
            int r = ++round;
            LockSupport.unpark(producer);
            LockSupport.unpark(consumer);
            Thread.sleep(RAMP_MILLIS);
            long c0 = (long) DELIVERED.getOpaque(delivered, SLOT);
            long t0 = System.nanoTime();
            Thread.sleep(millis);
            long c1 = (long) DELIVERED.getOpaque(delivered, SLOT);
            long t1 = System.nanoTime();
            running = false;
            // The loops leave the queue within one offer or poll; a minute means one is stuck.
            long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (producerDone != r || consumerDone != r) {
                if (failure != null) {
                    throw new IllegalStateException("round " + r + " failed", failure);
                }
                if (System.nanoTime() - giveUp > 0) {
                    throw new IllegalStateException("round " + r + ": a thread did not leave the queue within a minute");
                }
                Thread.onSpinWait();
            }
            return (c1 - c0) * 1e9 / (t1 - t0);
        }

        /** Messages per poll that found any, the share of polls that found none, refused offers per message. */
        @Override
        public String detail() {
            return String.format(Locale.ROOT, " %.3f %.4f %.4f", taken / (double) Math.max(1, polled - pollsEmpty),
                    pollsEmpty / (double) Math.max(1, polled), offersRefused / (double) Math.max(1, offered));
        }

        @Override
        public void stop() throws InterruptedException {
            round = -1;
            LockSupport.unpark(producer);
            LockSupport.unpark(consumer);
            producer.join(10_000);
            consumer.join(10_000);
            channel.close();
        }

        private int awaitRound(int seen) {
            int r;
            while ((r = round) == seen) {
                LockSupport.park(this);
            }
            return r;
        }

        private void produce() {
            try {
                long seq = 0;
                int r = 0;
                while ((r = awaitRound(r)) > 0) {
                    long first = seq;
                    long refused = 0;
                    while (running) {
                        if (channel.offer(seq, sizes[(int) (seq & MASK)])) {
                            seq++;
                        } else {
                            refused++;
                            Thread.onSpinWait();
                        }
                    }
                    offered = seq - first;
                    offersRefused = refused;
                    producerDone = r; // publishes the two counts
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        private void consume() {
            try {
                Checker checker = new Checker(sizes);
                long received = 0;
                int r = 0;
                while ((r = awaitRound(r)) > 0) {
                    long first = received;
                    long polls = 0;
                    long empty = 0;
                    while (running) {
                        int n = channel.poll(checker);
                        polls++;
                        if (n > 0) {
                            received += n;
                            DELIVERED.setOpaque(delivered, SLOT, received);
                        } else {
                            empty++;
                            Thread.onSpinWait();
                        }
                    }
                    polled = polls;
                    pollsEmpty = empty;
                    taken = received - first;
                    consumerDone = r; // publishes the three counts
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        /** 128 bytes of longs: the counter's distance from either end of its array. */
        private static final int SLOT = 16;
        private static final VarHandle DELIVERED = MethodHandles.arrayElementVarHandle(long[].class);
    }

    /**
     * Round trips for {@code --mode latency}: the calling thread sends a message through one queue
     * and waits for an echo thread to send it back through a second queue of the same candidate;
     * each round reports the median round trip in nanoseconds. Only one message is ever in flight.
     */
    static final class PingPong implements Turns {
        private final Channel ping;
        private final Channel pong;
        private final int[] sizes;
        private final Checker back;
        /** This round's round trips, in nanoseconds. */
        private final Histogram roundTrips = RoundTrips.histogram();
        private final Thread echo;
        private volatile int round;
        private volatile boolean running;
        private volatile int echoDone;
        private volatile Throwable failure;
        private long seq;

        PingPong(Channel ping, Channel pong, int[] sizes) {
            this.ping = ping;
            this.pong = pong;
            this.sizes = sizes;
            this.back = new Checker(sizes);
            echo = new Thread(this::echo, "echo");
            echo.setDaemon(true);
            echo.start();
        }

        @Override
        public double run(long millis) throws InterruptedException {
            running = true;
            int r = ++round;
            LockSupport.unpark(echo);
            long start = System.nanoTime();
            long counted = start + TimeUnit.MILLISECONDS.toNanos(RAMP_MILLIS);
            long end = counted + TimeUnit.MILLISECONDS.toNanos(millis);
            roundTrips.reset();
            while (true) {
                long t0 = System.nanoTime();
                int size = sizes[(int) (seq & MASK)];
                while (!ping.offer(seq, size)) {
                    awaitEcho();
                }
                while (pong.poll(back) == 0) {
                    awaitEcho();
                }
                long t1 = System.nanoTime();
                seq++;
                if (t0 >= counted) {
                    RoundTrips.record(roundTrips, t1 - t0);
                }
                if (t1 >= end) {
                    break;
                }
            }
            running = false;
            long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (echoDone != r) {
                if (System.nanoTime() - giveUp > 0) {
                    throw new IllegalStateException("round " + r + ": the echo thread did not stop within a minute");
                }
                awaitEcho();
            }
            return roundTrips.getValueAtPercentile(50);
        }

        /** The last round's p99 and p99.9 round trip. */
        @Override
        public String detail() {
            return " " + roundTrips.getValueAtPercentile(99) + " " + roundTrips.getValueAtPercentile(99.9);
        }

        /** Every round trip of the last round, for the parent to pool. */
        @Override
        public String histogram() {
            return RoundTrips.encode(roundTrips);
        }

        private void awaitEcho() {
            if (failure != null) {
                throw new IllegalStateException("the echo thread failed", failure);
            }
            Thread.onSpinWait();
        }

        @Override
        public void stop() throws InterruptedException {
            round = -1;
            LockSupport.unpark(echo);
            echo.join(10_000);
            ping.close();
            pong.close();
        }

        private void echo() {
            try {
                Checker checker = new Checker(sizes);
                int seen = 0;
                while (true) {
                    int r;
                    while ((r = round) == seen) {
                        LockSupport.park(this);
                    }
                    if (r < 0) {
                        return;
                    }
                    seen = r;
                    while (running) {
                        if (ping.poll(checker) > 0) {
                            long s = checker.expected() - 1;
                            while (!pong.offer(s, sizes[(int) (s & MASK)])) {
                                Thread.onSpinWait();
                            }
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                    echoDone = r;
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }
}
