package dev.bbq.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * SPSC throughput, producer thread to consumer thread, every message checked by the consumer.
 * JCTools' pattern: one {@code @Group} with a producing and a consuming method, and
 * {@code @AuxCounters} that count what was delivered, since JMH's own score counts method calls
 * (failed attempts included), not messages. The delivered rate is {@code receivedMessages}.
 */
@State(Scope.Group)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch",
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true"})
public class ThroughputBenchmark {
    private static final int MASK = Workload.PERIOD - 1;

    @Param({"BBQ_FRAMED_WRITE", "AGRONA_CLAIM"})
    public Candidate candidate;

    @Param({"FIXED_64"})
    public Workload workload;

    @Param({"65536"})
    public int budget;

    @Param({"SPIN"})
    public Mode mode;

    private Channel channel;
    private int[] sizes;

    @Setup(Level.Trial)
    public void open() {
        sizes = workload.sizes();
        channel = candidate.open(workload, budget, mode);
    }

    @TearDown(Level.Trial)
    public void close() {
        channel.close();
    }

    /** The producer's counters: messages sent, and attempts that found no room. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Sent {
        public long sentMessages;
        public long sendsRefused;
        long seq;

        @Setup(Level.Iteration)
        public void reset() {
            sentMessages = 0;
            sendsRefused = 0;
        }
    }

    /** The consumer's counters: messages received, and polls that found nothing. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Received {
        public long receivedMessages;
        public long pollsEmpty;
        Checker checker;

        @Setup(Level.Iteration)
        public void reset() {
            receivedMessages = 0;
            pollsEmpty = 0;
        }
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public void produce(Sent sent) {
        long seq = sent.seq;
        if (channel.offer(seq, sizes[(int) (seq & MASK)])) {
            sent.seq = seq + 1;
            sent.sentMessages++;
        } else {
            sent.sendsRefused++;
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public void consume(Received received) {
        Checker checker = received.checker;
        if (checker == null) {
            checker = received.checker = new Checker(sizes);
        }
        int n = channel.poll(checker);
        if (n > 0) {
            received.receivedMessages += n;
        } else {
            received.pollsEmpty++;
            Thread.onSpinWait();
        }
    }
}
