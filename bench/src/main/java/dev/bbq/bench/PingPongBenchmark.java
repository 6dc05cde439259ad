package dev.bbq.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Round-trip latency: the benchmark thread sends a message through one queue, an echo thread sends
 * it back through a second queue, and the benchmark thread waits for it. {@code SampleTime} mode
 * gives the distribution (p50, p99, p99.9).
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch",
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true"})
public class PingPongBenchmark {
    @Param({"BBQ_FRAMED_WRITE", "AGRONA_WRITE"})
    public Candidate candidate;

    @Param({"SPIN"})
    public Mode mode;

    /** Small messages: latency, not bandwidth. */
    private static final Workload WORKLOAD = Workload.FIXED_64;
    private static final int SIZE = 64;
    private static final int BUDGET = 64 * 1024;

    private Channel there;
    private Channel back;
    private Checker backChecker;
    private long seq;
    private volatile boolean running;
    private Thread echo;

    @Setup(Level.Trial)
    public void start() {
        there = candidate.open(WORKLOAD, BUDGET, mode);
        back = candidate.open(WORKLOAD, BUDGET, mode);
        backChecker = new Checker(WORKLOAD.sizes());
        running = true;
        echo = new Thread(this::echo, "echo");
        echo.setDaemon(true);
        echo.start();
    }

    private void echo() {
        Checker checker = new Checker(WORKLOAD.sizes());
        while (running) {
            if (there.poll(checker) > 0) {
                long s = checker.expected() - 1;
                while (!back.offer(s, SIZE)) {
                    Thread.onSpinWait();
                }
            } else {
                Thread.onSpinWait();
            }
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        running = false;
        echo.join();
        there.close();
        back.close();
    }

    @Benchmark
    public long roundTrip() {
        long s = seq++;
        while (!there.offer(s, SIZE)) {
            Thread.onSpinWait();
        }
        while (back.poll(backChecker) == 0) {
            Thread.onSpinWait();
        }
        return s;
    }
}
