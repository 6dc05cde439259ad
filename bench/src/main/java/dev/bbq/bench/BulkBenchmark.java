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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Bulk streaming (see {@link Bulk}): the producer copies chunks into raw grants of up to
 * {@code chunk} bytes, the consumer copies what it reads out, for bbq and for Agrona's
 * {@code OneToOneRingBuffer} with the same ring size, in the same run. Against
 * {@link CopyBenchmark}, one thread copying the same bytes once.
 */
@State(Scope.Group)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch",
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dagrona.disable.bounds.checks=true"})
public class BulkBenchmark {
    /** The queue under test: {@code BBQ_RAW} or {@code AGRONA_CLAIM}. */
    @Param({"BBQ_RAW", "AGRONA_CLAIM"})
    public Bulk queue;

    @Param({"4096", "65536"})
    public int chunk;

    @Param({"1048576"})
    public int budget;

    private Channel channel;

    @Setup(Level.Trial)
    public void open() {
        channel = queue.open(chunk, budget);
    }

    /** Bytes through the queue, counted by the consumer. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Moved {
        public long bytesReceived;

        @Setup(Level.Iteration)
        public void reset() {
            bytesReceived = 0;
        }
    }

    @Benchmark
    @Group("bulk")
    @GroupThreads(1)
    public void produce() {
        if (!channel.offer(0, chunk)) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @Group("bulk")
    @GroupThreads(1)
    public void consume(Moved moved) {
        int n = channel.poll(null);
        if (n == 0) {
            Thread.onSpinWait();
        } else {
            moved.bytesReceived += n;
        }
    }
}
