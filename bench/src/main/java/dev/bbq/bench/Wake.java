package dev.bbq.bench;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.ReusableReadGrant;
import dev.bbq.ReusableWriteGrant;
import dev.bbq.WaitStrategy;
import dev.bbq.Waiter;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
 * How soon a blocked side runs again after the other side makes room for it, next to a JDK monitor
 * ({@code synchronized} + {@code wait}/{@code notify}) on the same pattern, measured in the same run.
 *
 * <p>One thread is blocked: a reader in {@code Consumer.read(grant, timeout)} on an empty queue, or
 * a writer in {@code Producer.grantExact(n, grant, timeout)} on a full one. The waking thread (this
 * one) waits one interval, takes the time, then commits (or, for a blocked writer, reads and
 * releases) and keeps running: it spins until the blocked side reports that it is ready
 * to block again, as a driver thread that goes on polling would. The time from just before the
 * commit or release to the blocked call's return is one wake-up. Between wake-ups the waker sleeps
 * ({@code parkNanos}) for intervals of 100 µs and more, and spins for shorter ones. The monitor
 * baseline waits and notifies on one object under the same waker.
 *
 * <p>Each configuration (side, interval) runs in rounds; in each round every variant gets one batch
 * of wake-ups, in an order that rotates from round to round, so that on a shared machine every
 * variant is measured across the same stretch of time. The first round is warm-up. Recording goes
 * into an HdrHistogram, which allocates nothing, and the measured loops allocate nothing either.
 *
 * <p>After the latencies, the idle cost: each variant's blocked side is left waiting with nothing to
 * wake it for a while, and the CPU time its thread used in that time ({@code ThreadMXBean}) is shown
 * as a share of one core.
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar wake                       # about 40 s
 *   java -jar bench/target/benchmarks.jar wake --scale 5 --rounds 11 # five times the wake-ups
 *        [--sides reader,writer] [--intervals-us 10,100,2000] [--variants blocking,backoff,monitor]
 *        [--idle-ms 1000] [--waker spin|sleep] [--out DIR]
 * </pre>
 *
 * Variants besides the defaults, for looking into the tail: {@code blocking-yield} and
 * {@code backoff-yield} (the strategies as they were before yields were taken out of them: 64 spins
 * and 8 or 16 {@code Thread.yield()} before parking), {@code park} (parks at once, no spinning),
 * {@code blocking-untimed} ({@code blocking()} in the calls without a timeout) and
 * {@code spin1000} (1,000 spins before parking), and {@code backoff:SPINS:YIELDS:MIN_NANOS:MAX_NANOS}
 * for {@code WaitStrategy.backoff(spins, yields, minParkNanos, maxParkNanos)}. With
 * {@code --waker sleep} the waker sleeps, instead of spinning, while the blocked side finishes a
 * wake-up.
 */
public final class Wake {
    /** Default intervals between wake-ups, µs. */
    static final long[] INTERVALS_US = {10, 100, 2000};
    /** Default number of wake-ups per variant per configuration (over all measured rounds), by interval. */
    static final int[] DEFAULT_COUNTS = {10_000, 5_000, 1_000};
    /** Wake-ups at the start of each batch that are not recorded (the thread has just started). */
    static final int SKIP = 2;
    /** From this interval on, the waker sleeps between wake-ups; below it, it spins. */
    static final long SLEEP_FROM_NANOS = 100_000;
    /** A blocked call that waits this long has missed its wake-up: the run fails. */
    static final long TIMEOUT_SECONDS = 10;
    /** Longest latency kept as itself. */
    static final long LONGEST = TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS * 2);

    private Wake() {
    }

    /** Which side is blocked. */
    enum Side {
        READER, WRITER;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One blocked side and its waker. The blocked thread calls {@link #prepare()} once, then
     * {@link #block()} and {@link #after()} per wake-up; the waker calls {@link #signal()}.
     */
    abstract static class Pair {
        final String name;
        /** When the waker signalled, taken just before it (written before the signal, read after the wake-up). */
        volatile long stamp;
        /** -1 until the blocked side is ready for its first wake-up, then the number of wake-ups it has finished. */
        volatile int done;

        Pair(String name) {
            this.name = name;
        }

        /** The blocked side's set-up, on its own thread (a writer fills the ring). */
        void prepare() {
        }

        /** Blocks until woken; throws if the wait timed out. */
        abstract void block() throws InterruptedException;

        /** The blocked side's work after a wake-up (release what was read; commit, refill the ring). */
        abstract void after();

        /** The waker's move: commit, or read and release, or notify. */
        abstract void signal();
    }

    static Pair pair(String variant, Side side) {
        switch (variant) {
            case "monitor":
                return new MonitorPair(variant);
            case "blocking":
                return bbq(variant, side, WaitStrategy.blocking(), true);
            case "blocking-untimed":
                return bbq(variant, side, WaitStrategy.blocking(), false);
            case "backoff":
                return bbq(variant, side, WaitStrategy.backoff(), true);
            case "backoff-yield":
                return bbq(variant, side, WaitStrategy.backoff(64, 16, 1_000, 1_000_000), true);
            case "blocking-yield":
                return bbq(variant, side, new Phased(64, 8), true);
            case "park":
                return bbq(variant, side, new Phased(0, 0), true);
            case "spin1000":
                return bbq(variant, side, new Phased(1000, 0), true);
            default:
                if (variant.startsWith("backoff:")) { // backoff:SPINS:YIELDS:MIN_NANOS:MAX_NANOS
                    String[] p = variant.split(":");
                    if (p.length != 5) {
                        throw new IllegalArgumentException(variant + ": backoff:SPINS:YIELDS:MIN_NANOS:MAX_NANOS");
                    }
                    return bbq(variant, side, WaitStrategy.backoff(Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                            Long.parseLong(p[3]), Long.parseLong(p[4])), true);
                }
                throw new IllegalArgumentException("unknown variant " + variant);
        }
    }

    private static Pair bbq(String name, Side side, WaitStrategy strategy, boolean timed) {
        return side == Side.READER ? new ReaderPair(name, strategy, timed) : new WriterPair(name, strategy, timed);
    }

    /** A signalling strategy with given spin and yield phases before {@link Waiter#park}. */
    static final class Phased implements WaitStrategy {
        private final int spins;
        private final int yields;

        Phased(int spins, int yields) {
            this.spins = spins;
            this.yields = yields;
        }

        @Override
        public void pause(int round, long remainingNanos, Waiter waiter) {
            if (round < spins) {
                Thread.onSpinWait();
            } else if (round < spins + yields) {
                Thread.yield();
            } else {
                waiter.park(remainingNanos);
            }
        }

        @Override
        public boolean signals() {
            return true;
        }
    }

    /** A reader blocked on an empty queue; the waker commits 8 bytes. */
    static final class ReaderPair extends Pair {
        private final Producer producer;
        private final Consumer consumer;
        private final ReusableReadGrant read = new ReusableReadGrant();
        private final ReusableWriteGrant write = new ReusableWriteGrant();
        private final boolean timed;

        ReaderPair(String name, WaitStrategy strategy, boolean timed) {
            super(name);
            BBQueue queue = BBQueue.builder().capacity(4096).waitStrategy(strategy).build();
            this.producer = queue.producer();
            this.consumer = queue.consumer();
            this.timed = timed;
        }

        @Override
        void block() throws InterruptedException {
            boolean got = timed ? consumer.read(read, TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    : consumer.read(read, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            if (!got) {
                throw new IllegalStateException(name + ": no data within " + TIMEOUT_SECONDS + " s");
            }
        }

        @Override
        void after() {
            read.release();
        }

        @Override
        void signal() {
            if (!producer.tryGrantExact(8, write)) {
                throw new IllegalStateException(name + ": no room for a commit");
            }
            write.commit(8);
        }
    }

    /**
     * A writer blocked on a full queue; the waker reads and releases what one read grant holds: one
     * publication per wake-up (a loop of releases would wake the writer at the first and then race
     * its refill). In a ring of two chunks, every such release makes room for exactly one chunk.
     */
    static final class WriterPair extends Pair {
        private static final int CHUNK = 64;
        private final Producer producer;
        private final Consumer consumer;
        private final ReusableReadGrant read = new ReusableReadGrant();
        private final ReusableWriteGrant write = new ReusableWriteGrant();
        private final boolean timed;

        WriterPair(String name, WaitStrategy strategy, boolean timed) {
            super(name);
            BBQueue queue = BBQueue.builder().capacity(2 * CHUNK).waitStrategy(strategy).build();
            this.producer = queue.producer();
            this.consumer = queue.consumer();
            this.timed = timed;
        }

        @Override
        void prepare() {
            fill();
        }

        private void fill() {
            while (producer.tryGrantExact(CHUNK, write)) {
                write.commit(CHUNK);
            }
        }

        @Override
        void block() throws InterruptedException {
            boolean got = timed ? producer.grantExact(CHUNK, write, TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    : producer.grantExact(CHUNK, write, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            if (!got) {
                throw new IllegalStateException(name + ": no room within " + TIMEOUT_SECONDS + " s");
            }
        }

        @Override
        void after() {
            write.commit(CHUNK);
            fill();
        }

        @Override
        void signal() {
            if (!consumer.tryRead(read)) {
                throw new IllegalStateException(name + ": nothing to read from a full queue");
            }
            read.release();
        }
    }

    /** The baseline: {@code synchronized} + {@code wait}/{@code notify} on one object. */
    static final class MonitorPair extends Pair {
        private final Object lock = new Object();
        private long signalled; // guarded by lock
        private long seen; // the blocked thread's

        MonitorPair(String name) {
            super(name);
        }

        @Override
        void block() throws InterruptedException {
            synchronized (lock) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
                while (signalled == seen) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IllegalStateException(name + ": not notified within " + TIMEOUT_SECONDS + " s");
                    }
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
                seen = signalled;
            }
        }

        @Override
        void after() {
        }

        @Override
        void signal() {
            synchronized (lock) {
                signalled++;
                lock.notify();
            }
        }
    }

    /** The blocked side's thread: prepare, then {@code n} wake-ups, recording all but the first {@link #SKIP}. */
    static final class Blocked extends Thread {
        private final Pair pair;
        private final int n;
        private final Histogram histogram;
        volatile Throwable failure;

        Blocked(Pair pair, int n, Histogram histogram) {
            super("wake-blocked-" + pair.name);
            this.pair = pair;
            this.n = n;
            this.histogram = histogram;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                pair.prepare();
                pair.done = 0;
                for (int i = 0; i < n; i++) {
                    pair.block();
                    long latency = System.nanoTime() - pair.stamp;
                    if (i >= SKIP && histogram != null) {
                        histogram.recordValue(Math.max(0, Math.min(latency, LONGEST)));
                    }
                    pair.after();
                    pair.done = i + 1;
                }
            } catch (Throwable t) {
                failure = t;
                pair.done = Integer.MAX_VALUE; // let the waker stop
            }
        }
    }

    /**
     * One batch: a new blocked thread, {@code n} wake-ups one interval apart, recorded into
     * {@code histogram} (null: warm-up). Rethrows what the blocked thread threw.
     */
    static void batch(Pair pair, int n, long intervalNanos, Histogram histogram) throws InterruptedException {
        batch(pair, n, intervalNanos, histogram, true);
    }

    /**
     * As {@link #batch(Pair, int, long, Histogram)}; with {@code spinAfter} false the waker does not
     * keep its core after a signal but sleeps in 20 µs steps until the blocked side is done.
     */
    static void batch(Pair pair, int n, long intervalNanos, Histogram histogram, boolean spinAfter)
            throws InterruptedException {
        pair.done = -1;
        Blocked blocked = new Blocked(pair, n, histogram);
        blocked.start();
        for (int i = 0; i < n; i++) {
            awaitDone(pair, i); // the previous wake-up is over: the blocked side is about to block again
            if (pair.done == Integer.MAX_VALUE) {
                break;
            }
            pause(intervalNanos);
            pair.stamp = System.nanoTime();
            pair.signal();
            if (!spinAfter) {
                while (pair.done < i + 1) {
                    LockSupport.parkNanos(20_000);
                }
            }
        }
        blocked.join();
        if (blocked.failure != null) {
            throw new IllegalStateException(pair.name + " failed: " + blocked.failure, blocked.failure);
        }
    }

    /** The waker keeps running after its signal: it spins until the blocked side has finished wake-up {@code i}. */
    private static void awaitDone(Pair pair, int i) {
        while (pair.done < i) {
            Thread.onSpinWait();
        }
    }

    private static void pause(long nanos) {
        if (nanos >= SLEEP_FROM_NANOS) {
            LockSupport.parkNanos(nanos);
        } else {
            long until = System.nanoTime() + nanos;
            while (System.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * The order of the variants in round {@code round}: rotated by one each round, so each variant
     * runs first, second, ... equally often.
     */
    static List<String> order(List<String> variants, int round) {
        List<String> order = new ArrayList<>(variants.size());
        for (int i = 0; i < variants.size(); i++) {
            order.add(variants.get((i + round) % variants.size()));
        }
        return order;
    }

    /** {@code total} wake-ups spread over {@code rounds} batches: at least {@link #SKIP} + 1 per batch. */
    static int perBatch(int total, int rounds) {
        return Math.max(SKIP + 1, (total + rounds - 1) / rounds + SKIP);
    }

    /** One measured configuration: every variant's histogram, in the order of the variants. */
    static final class Result {
        final Side side;
        final long intervalNanos;
        final Map<String, Histogram> byVariant = new LinkedHashMap<>();
        /** Each measured round's median per variant, ns, in round order. */
        final Map<String, List<Long>> roundMedians = new LinkedHashMap<>();

        Result(Side side, long intervalNanos) {
            this.side = side;
            this.intervalNanos = intervalNanos;
        }

        /**
         * The median over rounds of the variant's round median divided by the monitor's in the same
         * round: steadier than the ratio of the pooled medians when the machine changes regime
         * between rounds (NaN without rounds or a monitor).
         */
        double roundRatio(String variant) {
            List<Long> base = roundMedians.get("monitor");
            List<Long> mine = roundMedians.get(variant);
            if (base == null || mine == null || base.isEmpty() || base.size() != mine.size()) {
                return Double.NaN;
            }
            double[] ratios = new double[base.size()];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = (double) mine.get(i) / Math.max(1, base.get(i));
            }
            Arrays.sort(ratios);
            int n = ratios.length;
            return n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
        }

        /** A variant's value at a percentile divided by the monitor's (NaN without a monitor or an empty one). */
        double ratio(String variant, double percentile) {
            Histogram base = byVariant.get("monitor");
            Histogram h = byVariant.get(variant);
            if (base == null || h == null || base.getTotalCount() == 0 || h.getTotalCount() == 0) {
                return Double.NaN;
            }
            return (double) h.getValueAtPercentile(percentile) / Math.max(1, base.getValueAtPercentile(percentile));
        }
    }

    /** Runs every variant of one configuration in rotated rounds; the first round is warm-up. */
    static Result measure(Side side, long intervalNanos, List<String> variants, int total, int rounds,
                          boolean spinAfter) throws InterruptedException {
        Result result = new Result(side, intervalNanos);
        Map<String, Pair> pairs = new LinkedHashMap<>();
        for (String v : variants) {
            pairs.put(v, pair(v, side));
            result.byVariant.put(v, new Histogram(1, LONGEST, 3));
            result.roundMedians.put(v, new ArrayList<>());
        }
        Histogram round = new Histogram(1, LONGEST, 3);
        int n = perBatch(total, rounds);
        for (int r = 0; r <= rounds; r++) {
            for (String v : order(variants, r)) {
                round.reset();
                batch(pairs.get(v), r == 0 ? Math.max(SKIP + 1, n / 4) : n, intervalNanos, round, spinAfter);
                if (r > 0) {
                    result.byVariant.get(v).add(round);
                    result.roundMedians.get(v).add(round.getValueAtPercentile(50));
                }
            }
        }
        return result;
    }

    /**
     * CPU time that a blocked side's thread uses while nothing wakes it, as a share of one core:
     * it is left blocked for {@code settleMillis}, then measured over {@code idleMillis}, then woken once.
     */
    static double idleCpu(Pair pair, long settleMillis, long idleMillis) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        pair.done = -1;
        Blocked blocked = new Blocked(pair, 1, null);
        blocked.start();
        awaitDone(pair, 0);
        Thread.sleep(settleMillis);
        long cpu0 = mx.getThreadCpuTime(blocked.getId());
        long t0 = System.nanoTime();
        Thread.sleep(idleMillis);
        long cpu1 = mx.getThreadCpuTime(blocked.getId());
        long t1 = System.nanoTime();
        pair.stamp = System.nanoTime();
        pair.signal();
        blocked.join();
        if (blocked.failure != null) {
            throw new IllegalStateException(pair.name + " failed: " + blocked.failure, blocked.failure);
        }
        if (cpu0 < 0 || cpu1 < 0) {
            return Double.NaN; // thread CPU time not supported
        }
        return (double) (cpu1 - cpu0) / (t1 - t0);
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        List<Side> sides = List.of(Side.READER, Side.WRITER);
        long[] intervalsUs = INTERVALS_US;
        List<String> variants = List.of("blocking", "backoff", "monitor");
        double scale = 1;
        int rounds = 7;
        long idleMillis = 1000;
        boolean spinAfter = true;
        Path out = Paths.get("bench-results/wake");
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--sides":
                    List<Side> s = new ArrayList<>();
                    for (String x : value.split(",")) {
                        s.add(Side.valueOf(x.trim().toUpperCase(Locale.ROOT)));
                    }
                    sides = s;
                    break;
                case "--intervals-us":
                    String[] parts = value.split(",");
                    intervalsUs = new long[parts.length];
                    for (int k = 0; k < parts.length; k++) {
                        intervalsUs[k] = Long.parseLong(parts[k].trim());
                    }
                    break;
                case "--variants":
                    variants = List.of(value.split(","));
                    break;
                case "--scale":
                    scale = Double.parseDouble(value);
                    break;
                case "--rounds":
                    rounds = Integer.parseInt(value);
                    break;
                case "--idle-ms":
                    idleMillis = Long.parseLong(value);
                    break;
                case "--out":
                    out = Paths.get(value);
                    break;
                case "--waker":
                    if (!value.equals("spin") && !value.equals("sleep")) {
                        throw new IllegalArgumentException("--waker " + value + ": spin or sleep");
                    }
                    spinAfter = value.equals("spin");
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!variants.contains("monitor")) {
            List<String> v = new ArrayList<>(variants);
            v.add("monitor");
            variants = v;
        }
        for (String v : variants) {
            pair(v, Side.READER); // fail before measuring
        }
        Files.createDirectories(out);
        PrintStream console = System.out;
        console.printf(Locale.ROOT, "Wake-up latency: commit (reader) or release (writer) to the blocked call's return;"
                + " %d rounds, variants interleaved; the waker sleeps between wake-ups from %d µs on and spins below,"
                + " and %s after each until the blocked side is done. %d CPUs, %s %s.%n", rounds,
                SLEEP_FROM_NANOS / 1000, spinAfter ? "spins" : "sleeps", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        console.println("Ratios: the variant's percentile over the monitor's in the same configuration; 'rounds':"
                + " the median over rounds of the ratio of the two round medians.");
        console.printf(Locale.ROOT, "%-7s %8s %-17s %8s %9s %9s %9s %8s %8s %8s %9s%n", "side", "interval", "variant",
                "count", "p50 µs", "p99 µs", "p99.9 µs", "p50/mon", "p99/mon", "p99.9/mon", "p50 rounds");
        List<Result> results = new ArrayList<>();
        long start = System.nanoTime();
        for (Side side : sides) {
            for (long us : intervalsUs) {
                int total = (int) Math.max(10, Math.round(defaultCount(us) * scale));
                Result r = measure(side, us * 1000, variants, total, rounds, spinAfter);
                results.add(r);
                for (String v : variants) {
                    Histogram h = r.byVariant.get(v);
                    console.printf(Locale.ROOT, "%-7s %8s %-17s %8d %9.1f %9.1f %9.1f %8s %8s %8s %9s%n", side.label(),
                            us + " µs", v, h.getTotalCount(), h.getValueAtPercentile(50) / 1e3,
                            h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                            ratio(r.ratio(v, 50)), ratio(r.ratio(v, 99)), ratio(r.ratio(v, 99.9)),
                            ratio(r.roundRatio(v)));
                }
            }
        }
        console.println();
        console.printf(Locale.ROOT, "Idle CPU of a blocked side (left blocked for %d ms, nothing to wake it), share of one core:%n",
                idleMillis);
        Map<String, Double> idle = new LinkedHashMap<>();
        for (Side side : sides) {
            for (String v : variants) {
                double share = idleCpu(pair(v, side), 200, idleMillis);
                idle.put(side.label() + "," + v, share);
                console.printf(Locale.ROOT, "  %-7s %-17s %7.3f %%%n", side.label(), v, 100 * share);
            }
        }
        writeCsv(results, idle, out.resolve("wake.csv"));
        for (Side side : sides) {
            chart(results, side, variants, out.resolve("wake-" + side.label() + ".png"));
        }
        console.printf(Locale.ROOT, "%nWrote wake.csv and wake-*.png to %s (%.0f s)%n", out,
                (System.nanoTime() - start) / 1e9);
    }

    static int defaultCount(long intervalUs) {
        for (int i = 0; i < INTERVALS_US.length; i++) {
            if (intervalUs <= INTERVALS_US[i]) {
                return DEFAULT_COUNTS[i];
            }
        }
        return (int) Math.max(200, DEFAULT_COUNTS[DEFAULT_COUNTS.length - 1] * INTERVALS_US[INTERVALS_US.length - 1]
                / intervalUs);
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "" : String.format(Locale.ROOT, "%.2fx", r);
    }

    static void writeCsv(List<Result> results, Map<String, Double> idle, Path file) throws IOException {
        StringBuilder csv = new StringBuilder("side,interval_us,variant,count,p50_ns,p99_ns,p999_ns,max_ns,"
                + "p50_vs_monitor,p99_vs_monitor,p999_vs_monitor,p50_vs_monitor_by_round,idle_cpu_share\n");
        for (Result r : results) {
            for (Map.Entry<String, Histogram> e : r.byVariant.entrySet()) {
                Histogram h = e.getValue();
                Double share = idle.get(r.side.label() + "," + e.getKey());
                csv.append(String.format(Locale.ROOT, "%s,%d,%s,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%s%n", r.side.label(),
                        r.intervalNanos / 1000, e.getKey(), h.getTotalCount(), h.getValueAtPercentile(50),
                        h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(),
                        r.ratio(e.getKey(), 50), r.ratio(e.getKey(), 99), r.ratio(e.getKey(), 99.9),
                        r.roundRatio(e.getKey()), share == null ? "" : String.format(Locale.ROOT, "%.5f", share)));
            }
        }
        Files.write(file, csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Per side: p50 and p99 of each variant at each interval, µs on a log scale. */
    private static void chart(List<Result> results, Side side, List<String> variants, Path png) throws IOException {
        List<String> categories = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        for (String v : variants) {
            series.put(v, new ArrayList<>());
        }
        for (Result r : results) {
            if (r.side != side) {
                continue;
            }
            for (double p : new double[] {50, 99}) {
                categories.add(String.format(Locale.ROOT, "%s, p%.0f", interval(r.intervalNanos), p));
                for (String v : variants) {
                    series.get(v).add(Math.log10(Math.max(100, r.byVariant.get(v).getValueAtPercentile(p))));
                }
            }
        }
        if (categories.isEmpty()) {
            return;
        }
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(500)
                .title("Wake-up latency of a blocked " + side.label() + " (lower is better)")
                .xAxisTitle("interval between wake-ups, percentile").yAxisTitle("wake-up latency (log scale)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        // log10 of nanoseconds, labelled as time (XChart's own log axis rejects bar charts' zero base)
        chart.getStyler().setYAxisMin(2.0);
        chart.getStyler().setYAxisMax(Math.ceil(max(series)));
        chart.getStyler().setyAxisTickLabelsFormattingFunction(RoundTrips::durationLabel);
        for (Map.Entry<String, List<Double>> e : series.entrySet()) {
            chart.addSeries(e.getKey(), categories, e.getValue());
        }
        String name = png.toString();
        BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }

    private static double max(Map<String, List<Double>> series) {
        double max = 3;
        for (List<Double> ys : series.values()) {
            for (double y : ys) {
                max = Math.max(max, y);
            }
        }
        return max;
    }

    private static String interval(long nanos) {
        return nanos >= 1_000_000 && nanos % 1_000_000 == 0 ? nanos / 1_000_000 + " ms" : nanos / 1000 + " µs";
    }
}
