package dev.bbq.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The CPU cost of the calls themselves: one thread sends a batch of messages and then receives
 * them, so no cache line moves between cores and no thread waits for another. What is left is
 * each candidate's own work per message (room check, header, copy in, publication, copy or check
 * out, release), which on a 2-core machine shared with other work is far steadier to measure than
 * the two-thread rates. Reported per message.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch",
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true"})
public class CostBenchmark {
    /** Messages per invocation: few enough that every candidate's ring holds them all at once. */
    static final int BATCH = 32;
    private static final int MASK = Workload.PERIOD - 1;

    @Param({"BBQ_FRAMED_WRITE", "BBQ_FRAMED_GRANT", "BBQ_RAW", "AGRONA_CLAIM", "AGRONA_WRITE", "JCTOOLS_POOLED",
            "DISRUPTOR", "ABQ"})
    public Candidate candidate;

    @Param({"FIXED_64"})
    public Workload workload;

    @Param({"65536"})
    public int budget;

    private Channel channel;
    private Checker checker;
    private int[] sizes;
    private long seq;

    @Setup(Level.Trial)
    public void open() {
        sizes = workload.sizes();
        channel = candidate.open(workload, budget, Mode.SPIN);
        checker = new Checker(sizes);
    }

    @TearDown(Level.Trial)
    public void close() {
        channel.close();
    }

    /** Sends {@link #BATCH} messages, then receives them all. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long sendThenReceive() {
        for (int i = 0; i < BATCH; i++) {
            long s = seq++;
            if (!channel.offer(s, sizes[(int) (s & MASK)])) {
                throw new IllegalStateException(candidate + " refused message " + s + " of a batch of " + BATCH);
            }
        }
        int received = 0;
        int emptyPolls = 0;
        while (received < BATCH) {
            int n = channel.poll(checker);
            // A poll may legitimately return nothing while messages wait: Agrona's read stops at
            // the padding record it leaves at the end of its ring, and the next read goes on.
            if (n == 0 && ++emptyPolls > 2) {
                throw new IllegalStateException(candidate + " delivered " + received + " of " + BATCH + " messages");
            }
            received += n;
        }
        return checker.touched;
    }
}
