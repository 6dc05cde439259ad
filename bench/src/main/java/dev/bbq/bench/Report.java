package dev.bbq.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Statistics;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the comparison through JMH's API and writes what it found: a table on the console with
 * ratios against Agrona's {@code OneToOneRingBuffer} measured in the same run, a CSV of every
 * result, a Markdown report and PNG charts. The quick run ends with a short {@link Paired} session,
 * whose two-thread ratios against Agrona hold on a machine whose two-thread rate drifts, where the
 * JMH group's (candidates one after another) may not.
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar quick [--out DIR] [--jvm PATH]   # about 4 minutes
 *   java -jar bench/target/benchmarks.jar full  [--out DIR] [--jvm PATH]   # the published set, about 50 minutes on 2 cores
 *   java -jar bench/target/benchmarks.jar paired [options]                  # two-thread rates in interleaved rounds, see Paired
 *   java -jar bench/target/benchmarks.jar wake [options]                    # how soon a blocked side wakes, see Wake
 *   java -jar bench/target/benchmarks.jar pipeline [--quick] [options]      # the telemetry pipeline's CPU per record, see Pipeline
 * </pre>
 *
 * {@code --jvm} runs the benchmark forks on another JDK (by default, the one running the report).
 *
 * The JMH forks get {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} (Agrona 2.x needs
 * it) and {@code -Dagrona.disable.bounds.checks=true}: Agrona measured at its fastest.
 */
public final class Report {
    private final boolean quick;
    private final Path out;
    private final String jvm;
    private final List<Row> rows = new ArrayList<>();
    private List<Paired.Pairing> pairings = List.of();

    private Report(boolean quick, Path out, String jvm) {
        this.quick = quick;
        this.out = out;
        this.jvm = jvm;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("paired")) {
            Paired.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("many-producers")) {
            ManyProducers.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("pipeline")) {
            Pipeline.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("wake")) {
            Wake.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.setProperty("java.awt.headless", "true");
        boolean quick = args.length == 0 || !args[0].equals("full");
        Path out = Paths.get(quick ? "bench-results/quick" : "bench-results/full");
        String jvm = null;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--out")) {
                out = Paths.get(args[i + 1]);
            } else if (args[i].equals("--jvm")) {
                jvm = args[i + 1];
            }
        }
        Files.createDirectories(out);
        Report report = new Report(quick, out, jvm);
        report.run();
    }

    private void run() throws Exception {
        long start = System.nanoTime();
        String[] all = names(Candidate.values());
        if (quick) {
            throughput(new String[] {"BBQ_FRAMED_WRITE", "BBQ_FRAMED_GRANT", "BBQ_FRAMED_REUSABLE", "BBQ_RAW",
                "AGRONA_CLAIM", "AGRONA_WRITE"}, new String[] {"FIXED_64", "BIMODAL_48_1K"}, new String[] {"65536"},
                    new String[] {"SPIN"});
            throughput(new String[] {"JCTOOLS_POOLED", "DISRUPTOR", "ABQ"},
                    new String[] {"FIXED_64"}, new String[] {"65536"}, new String[] {"SPIN"});
            latency(new String[] {"BBQ_FRAMED_WRITE", "AGRONA_WRITE"}, new String[] {"SPIN"});
            cost(new String[] {"BBQ_FRAMED_WRITE", "BBQ_FRAMED_GRANT", "BBQ_FRAMED_REUSABLE", "BBQ_RAW", "AGRONA_CLAIM",
                "AGRONA_WRITE"}, new String[] {"FIXED_64", "BIMODAL_48_1K"});
            paired(new String[] {"BBQ_FRAMED_WRITE", "BBQ_FRAMED_REUSABLE", "BBQ_RAW_REUSABLE", "AGRONA_WRITE"},
                    new String[] {"FIXED_64", "BIMODAL_48_1K"});
        } else {
            throughput(all, names(Workload.values()), new String[] {"65536"}, new String[] {"SPIN"});
            throughput(new String[] {"BBQ_FRAMED_WRITE", "BBQ_FRAMED_GRANT", "BBQ_FRAMED_REUSABLE", "BBQ_RAW",
                "BBQ_RAW_REUSABLE", "AGRONA_CLAIM", "AGRONA_WRITE"}, names(Workload.values()), new String[] {"1048576"},
                    new String[] {"SPIN"});
            throughput(new String[] {"BBQ_FRAMED_WRITE", "BBQ_RAW", "AGRONA_CLAIM", "JCTOOLS_POOLED", "DISRUPTOR", "ABQ"},
                    new String[] {"FIXED_64", "UNIFORM_128_384"}, new String[] {"65536"}, new String[] {"PARK"});
            latency(new String[] {"BBQ_FRAMED_WRITE", "BBQ_FRAMED_GRANT", "AGRONA_WRITE", "AGRONA_CLAIM"},
                    new String[] {"SPIN", "PARK"});
            bulk();
            cost(new String[] {"BBQ_FRAMED_WRITE", "BBQ_FRAMED_GRANT", "BBQ_FRAMED_REUSABLE", "BBQ_RAW",
                "BBQ_RAW_REUSABLE", "BBQ_FRAMED_MAPPED", "AGRONA_CLAIM", "AGRONA_WRITE", "JCTOOLS_POOLED", "DISRUPTOR",
                "ABQ"}, new String[] {"FIXED_64", "BIMODAL_48_1K"});
        }
        writeOutputs((System.nanoTime() - start) / 1e9);
    }

    private static String[] names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toArray(String[]::new);
    }

    private ChainedOptionsBuilder options(String benchmark) {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(benchmark)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .addProfiler(GCProfiler.class);
        if (jvm != null) {
            o.jvm(jvm);
        }
        if (quick) {
            o.forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1));
        }
        return o;
    }

    private void throughput(String[] candidates, String[] workloads, String[] budgets, String[] modes)
            throws RunnerException {
        Collection<RunResult> results = new Runner(options(ThroughputBenchmark.class.getName() + ".spsc")
                .param("candidate", candidates).param("workload", workloads)
                .param("budget", budgets).param("mode", modes).build()).run();
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            Result<?> received = r.getSecondaryResults().get("receivedMessages");
            Statistics s = received.getStatistics();
            Workload workload = Workload.valueOf(p.getParam("workload"));
            double median = s.getPercentile(50);
            Row row = new Row("throughput", p.getParam("candidate"), p.getParam("workload"),
                    Integer.parseInt(p.getParam("budget")), p.getParam("mode"));
            row.mmsgs = median / 1e6;
            row.mmsgsMin = s.getMin() / 1e6;
            row.mmsgsMax = s.getMax() / 1e6;
            row.mibs = median * workload.meanSize() / (1 << 20);
            row.bytesPerMessage = allocationPerMessage(r, median);
            rows.add(row);
            System.out.printf(Locale.ROOT, "  %-17s %-15s %8s %-5s %8.2f Mmsg/s  [%.2f-%.2f]  %8.1f MiB/s  %s B/msg%n",
                    row.candidate, row.workload, row.budget, row.mode, row.mmsgs, row.mmsgsMin, row.mmsgsMax, row.mibs,
                    fmt(row.bytesPerMessage));
        }
    }

    private void latency(String[] candidates, String[] modes) throws RunnerException {
        Collection<RunResult> results = new Runner(options(PingPongBenchmark.class.getName())
                .param("candidate", candidates).param("mode", modes).build()).run();
        for (RunResult r : results) {
            Statistics s = r.getPrimaryResult().getStatistics();
            Row row = new Row("latency", r.getParams().getParam("candidate"), "FIXED_64", 65536,
                    r.getParams().getParam("mode"));
            row.p50 = s.getPercentile(50);
            row.p99 = s.getPercentile(99);
            row.p999 = s.getPercentile(99.9);
            rows.add(row);
            System.out.printf(Locale.ROOT, "  %-17s %-5s round trip p50 %7.0f ns  p99 %7.0f ns  p99.9 %8.0f ns%n",
                    row.candidate, row.mode, row.p50, row.p99, row.p999);
        }
    }

    private void cost(String[] candidates, String[] workloads) throws RunnerException {
        Collection<RunResult> results = new Runner(options(CostBenchmark.class.getName())
                .param("candidate", candidates).param("workload", workloads).build()).run();
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            Statistics s = r.getPrimaryResult().getStatistics();
            Row row = new Row("cost", p.getParam("candidate"), p.getParam("workload"),
                    Integer.parseInt(p.getParam("budget")), "ONE_THREAD");
            row.nsPerMessage = s.getPercentile(50);
            row.bytesPerMessage = allocationPerMessage(r, 1e9 / row.nsPerMessage);
            rows.add(row);
            System.out.printf(Locale.ROOT, "  %-17s %-15s one thread, send then receive: %6.1f ns/msg  %s B/msg%n",
                    row.candidate, row.workload, row.nsPerMessage, fmt(row.bytesPerMessage));
        }
    }

    /**
     * Two-thread ratios against Agrona claim from a short {@link Paired} session, in the output
     * directory's {@code paired.csv}. The JMH group measures candidates one after another, and on a
     * shared machine the two-thread rate can change regime between them; paired rounds compare
     * candidates that ran within a second of each other.
     */
    private void paired(String[] candidates, String[] workloads) throws Exception {
        Path csv = out.resolve("paired.csv");
        List<String> args = new ArrayList<>(List.of("--candidates", String.join(",", candidates), "--vs", "AGRONA_CLAIM",
                "--workloads", String.join(",", workloads), "--budgets", "65536", "--rounds", "10",
                "--warmup-rounds", "4", "--out", csv.toString()));
        if (jvm != null) {
            args.addAll(List.of("--jvm", jvm));
        }
        System.out.println();
        Paired.main(args.toArray(new String[0]));
        pairings = Paired.read(csv);
    }

    private void bulk() throws RunnerException {
        Collection<RunResult> queue = new Runner(options(BulkBenchmark.class.getName() + ".bulk").build()).run();
        Collection<RunResult> copy = new Runner(options(CopyBenchmark.class.getName()).build()).run();
        for (RunResult r : queue) {
            int chunk = Integer.parseInt(r.getParams().getParam("chunk"));
            Row row = new Row("bulk", r.getParams().getParam("queue"), "chunk " + chunk,
                    Integer.parseInt(r.getParams().getParam("budget")), "SPIN");
            row.mibs = r.getSecondaryResults().get("bytesReceived").getStatistics().getPercentile(50) / (1 << 20);
            rows.add(row);
        }
        for (RunResult r : copy) {
            int chunk = Integer.parseInt(r.getParams().getParam("chunk"));
            Row row = new Row("bulk", "ONE_THREAD_COPY", "chunk " + chunk, Integer.parseInt(r.getParams().getParam("budget")), "-");
            row.mibs = r.getPrimaryResult().getStatistics().getPercentile(50) * chunk / (1 << 20);
            rows.add(row);
        }
        for (Row row : rows) {
            if (row.kind.equals("bulk")) {
                System.out.printf(Locale.ROOT, "  %-17s %-12s %9.0f MiB/s%n", row.candidate, row.workload, row.mibs);
            }
        }
    }

    private Row bulkRow(String candidate, String workload) {
        return rows.stream().filter(x -> x.kind.equals("bulk") && x.candidate.equals(candidate)
                && x.workload.equals(workload)).findFirst().orElse(null);
    }

    /** Bytes allocated per delivered message, from the GC profiler's allocation rate (MB/s). */
    private static double allocationPerMessage(RunResult r, double messagesPerSecond) {
        for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate")) {
                double mbPerSecond = e.getValue().getStatistics().getPercentile(50);
                return mbPerSecond * 1024 * 1024 / messagesPerSecond;
            }
        }
        return Double.NaN;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%.1f", v);
    }

    /** One measured configuration. */
    private static final class Row {
        final String kind;
        final String candidate;
        final String workload;
        final int budget;
        final String mode;
        double mmsgs = Double.NaN;
        double mmsgsMin = Double.NaN;
        double mmsgsMax = Double.NaN;
        double mibs = Double.NaN;
        double bytesPerMessage = Double.NaN;
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double p999 = Double.NaN;
        double nsPerMessage = Double.NaN;

        Row(String kind, String candidate, String workload, int budget, String mode) {
            this.kind = kind;
            this.candidate = candidate;
            this.workload = workload;
            this.budget = budget;
            this.mode = mode;
        }

        String group() {
            return workload + "/" + budget + "/" + mode;
        }
    }

    private Row agrona(Row row) {
        for (Row r : rows) {
            if (r.kind.equals(row.kind) && r.candidate.equals("AGRONA_CLAIM") && r.group().equals(row.group())) {
                return r;
            }
        }
        return null;
    }

    private void writeOutputs(double seconds) throws IOException {
        StringWriter md = new StringWriter();
        PrintWriter w = new PrintWriter(md);
        w.printf(Locale.ROOT, "Run: %s mode, %.0f s, benchmark JVM %s, %d CPUs.%n%n", quick ? "quick" : "full", seconds,
                jvm != null ? jvm : System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());

        w.println("### Throughput (delivered messages, median of iterations [min-max])");
        w.println();
        w.println("| workload | budget | mode | candidate | Mmsg/s | range | MiB/s | vs Agrona claim | alloc B/msg |");
        w.println("|---|---|---|---|---:|---|---:|---:|---:|");
        Map<String, List<Row>> byGroup = new TreeMap<>();
        for (Row r : rows) {
            if (r.kind.equals("throughput")) {
                byGroup.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r);
            }
        }
        System.out.println();
        System.out.println("JMH two-thread rates against Agrona OneToOneRingBuffer (tryClaim/commit), same run; measured"
                + " one after another, so on a shared machine two of them may have run in different regimes:");
        for (List<Row> group : byGroup.values()) {
            group.sort((a, b) -> Double.compare(b.mmsgs, a.mmsgs));
            for (Row r : group) {
                Row base = agrona(r);
                String ratio = base == null ? "" : String.format(Locale.ROOT, "%.2fx", r.mmsgs / base.mmsgs);
                w.printf(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %.2f-%.2f | %.0f | %s | %s |%n", r.workload,
                        size(r.budget), r.mode, r.candidate, r.mmsgs, r.mmsgsMin, r.mmsgsMax, r.mibs, ratio,
                        fmt(r.bytesPerMessage));
                System.out.printf(Locale.ROOT, "  %-15s %6s %-5s %-17s %8.2f Mmsg/s  %6s%n", r.workload, size(r.budget),
                        r.mode, r.candidate, r.mmsgs, ratio);
            }
        }
        w.println();
        if (!pairings.isEmpty()) {
            w.println("### Two threads in paired rounds (every candidate in its own JVM, taking turns in 200 ms rounds)");
            w.println();
            w.println("| workload | budget | candidate | Mmsg/s | Agrona claim Mmsg/s | vs Agrona claim, median of rounds | quartiles | rounds |");
            w.println("|---|---|---|---:|---:|---:|---|---:|");
            System.out.println();
            System.out.println("Two threads in paired rounds against Agrona claim (median of the per-round ratios, quartiles):");
            for (Paired.Pairing p : pairings) {
                w.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %.2fx | %.2f-%.2f | %d |%n", p.workload,
                        size(p.budget), p.candidate, p.rate / 1e6, p.referenceRate / 1e6, p.ratio, p.ratioP25,
                        p.ratioP75, p.rounds);
                System.out.printf(Locale.ROOT, "  %-15s %6s %-19s %8.2f Mmsg/s  %5.2fx  (%.2f-%.2f)%n", p.workload,
                        size(p.budget), p.candidate, p.rate / 1e6, p.ratio, p.ratioP25, p.ratioP75);
            }
            w.println();
        }
        boolean hasLatency = rows.stream().anyMatch(r -> r.kind.equals("latency"));
        if (hasLatency) {
            w.println("### Round-trip latency (64-byte messages through two queues, ns)");
            w.println();
            w.println("| candidate | mode | p50 | p99 | p99.9 |");
            w.println("|---|---|---:|---:|---:|");
            for (Row r : rows) {
                if (r.kind.equals("latency")) {
                    w.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f |%n", r.candidate, r.mode, r.p50, r.p99, r.p999);
                }
            }
            w.println();
        }
        boolean hasCost = rows.stream().anyMatch(r -> r.kind.equals("cost"));
        if (hasCost) {
            w.println("### CPU cost per message (one thread sends a batch of 32, then receives it; median ns)");
            w.println();
            w.println("| workload | candidate | ns/msg | vs Agrona claim (lower is cheaper) | alloc B/msg |");
            w.println("|---|---|---:|---:|---:|");
            Map<String, List<Row>> costs = new TreeMap<>();
            for (Row r : rows) {
                if (r.kind.equals("cost")) {
                    costs.computeIfAbsent(r.workload, k -> new ArrayList<>()).add(r);
                }
            }
            for (List<Row> group : costs.values()) {
                group.sort((a, b) -> Double.compare(a.nsPerMessage, b.nsPerMessage));
                for (Row r : group) {
                    Row base = agrona(r);
                    w.printf(Locale.ROOT, "| %s | %s | %.1f | %s | %s |%n", r.workload, r.candidate, r.nsPerMessage,
                            base == null ? "" : String.format(Locale.ROOT, "%.2fx", r.nsPerMessage / base.nsPerMessage),
                            fmt(r.bytesPerMessage));
                }
            }
            w.println();
        }
        boolean hasBulk = rows.stream().anyMatch(r -> r.kind.equals("bulk"));
        if (hasBulk) {
            w.println("### Bulk streaming (raw grants, producer copies in, consumer copies out)");
            w.println();
            w.println("| what | chunk | MiB/s | vs one-thread copy | vs Agrona |");
            w.println("|---|---|---:|---:|---:|");
            for (Row r : rows) {
                if (r.kind.equals("bulk") && r.candidate.equals("ONE_THREAD_COPY")) {
                    Row bbq = bulkRow("BBQ_RAW", r.workload);
                    Row peer = bulkRow("AGRONA_CLAIM", r.workload);
                    for (Row q : new Row[] {bbq, peer}) {
                        if (q != null) {
                            w.printf(Locale.ROOT, "| %s, two threads | %s | %.0f | %.0f%% | %s |%n",
                                    q == bbq ? "bbq raw" : "Agrona claim", r.workload, q.mibs, 100 * q.mibs / r.mibs,
                                    peer == null ? "" : String.format(Locale.ROOT, "%.2fx", q.mibs / peer.mibs));
                        }
                    }
                    w.printf(Locale.ROOT, "| one thread, one copy | %s | %.0f | 100%% | |%n", r.workload, r.mibs);
                }
            }
            w.println();
        }
        w.flush();
        Files.write(out.resolve("report.md"), md.toString().getBytes(StandardCharsets.UTF_8));
        writeCsv();
        charts();
        System.out.println();
        System.out.println("Wrote " + out.resolve("report.md") + ", results.csv and charts to " + out);
    }

    private static String size(int budget) {
        return budget >= 1 << 20 ? (budget >> 20) + " MiB" : (budget >> 10) + " KiB";
    }

    private void writeCsv() throws IOException {
        StringBuilder csv = new StringBuilder(
                "kind,candidate,workload,budget,mode,mmsg_per_s,mmsg_min,mmsg_max,mib_per_s,alloc_bytes_per_msg,p50_ns,p99_ns,p999_ns,ns_per_msg\n");
        for (Row r : rows) {
            csv.append(String.join(",", r.kind, r.candidate, r.workload, Integer.toString(r.budget), r.mode,
                    num(r.mmsgs), num(r.mmsgsMin), num(r.mmsgsMax), num(r.mibs), num(r.bytesPerMessage), num(r.p50),
                    num(r.p99), num(r.p999), num(r.nsPerMessage))).append('\n');
        }
        Files.write(out.resolve("results.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    private void charts() throws IOException {
        Map<String, Map<String, Map<String, Double>>> byBudgetMode = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.kind.equals("throughput")) {
                byBudgetMode.computeIfAbsent(size(r.budget).replace(" ", "") + "-" + r.mode, k -> new TreeMap<>())
                        .computeIfAbsent(r.candidate, k -> new TreeMap<>()).put(r.workload, r.mmsgs);
            }
        }
        for (Map.Entry<String, Map<String, Map<String, Double>>> e : byBudgetMode.entrySet()) {
            CategoryChart chart = new CategoryChartBuilder().width(1100).height(520)
                    .title("Delivered messages per second (" + e.getKey() + ")").xAxisTitle("workload")
                    .yAxisTitle("million messages/s").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            List<String> workloads = new ArrayList<>();
            for (Map<String, Double> perWorkload : e.getValue().values()) {
                for (String wl : perWorkload.keySet()) {
                    if (!workloads.contains(wl)) {
                        workloads.add(wl);
                    }
                }
            }
            for (Map.Entry<String, Map<String, Double>> c : e.getValue().entrySet()) {
                List<Double> ys = new ArrayList<>();
                for (String wl : workloads) {
                    ys.add(c.getValue().getOrDefault(wl, 0.0));
                }
                chart.addSeries(c.getKey(), workloads, ys);
            }
            BitmapEncoder.saveBitmap(chart, out.resolve("throughput-" + e.getKey()).toString(),
                    BitmapEncoder.BitmapFormat.PNG);
        }
        List<Row> latency = new ArrayList<>();
        for (Row r : rows) {
            if (r.kind.equals("latency")) {
                latency.add(r);
            }
        }
        if (!latency.isEmpty()) {
            CategoryChart chart = new CategoryChartBuilder().width(900).height(480)
                    .title("Round-trip latency, 64-byte messages").xAxisTitle("percentile").yAxisTitle("ns").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            for (Row r : latency) {
                chart.addSeries(r.candidate + " " + r.mode, List.of("p50", "p99", "p99.9"), List.of(r.p50, r.p99, r.p999));
            }
            BitmapEncoder.saveBitmap(chart, out.resolve("latency").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
