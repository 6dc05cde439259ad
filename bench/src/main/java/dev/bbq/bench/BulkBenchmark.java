package dev.bbq.bench;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.ReadGrant;
import dev.bbq.WaitStrategy;
import dev.bbq.WriteGrant;
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

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Bulk streaming: the producer copies chunks into raw grants of up to {@code chunk} bytes, the
 * consumer copies each read grant out, both as a device pump and a channel writer would. Against
 * {@link CopyBenchmark}, one thread copying the same bytes once: the memory-bandwidth floor.
 */
@State(Scope.Group)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"})
public class BulkBenchmark {
    @Param({"4096", "65536"})
    public int chunk;

    @Param({"1048576"})
    public int budget;

    private Producer producer;
    private Consumer consumer;
    private byte[] source;

    @Setup(Level.Trial)
    public void open() {
        BBQueue queue = BBQueue.builder().capacity(budget).direct().waitStrategy(WaitStrategy.busySpin()).build();
        producer = queue.producer();
        consumer = queue.consumer();
        source = Bytes.source(chunk);
    }

    /** Bytes through the queue, counted by the consumer. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Moved {
        public long bytesReceived;
        byte[] sink;

        @Setup(Level.Iteration)
        public void reset() {
            bytesReceived = 0;
        }
    }

    @Benchmark
    @Group("bulk")
    @GroupThreads(1)
    public void produce() {
        WriteGrant grant = producer.tryGrantMax(chunk);
        if (grant == null) {
            Thread.onSpinWait();
            return;
        }
        int n = grant.length();
        grant.buffer().put(source, 0, n);
        grant.commit(n);
    }

    @Benchmark
    @Group("bulk")
    @GroupThreads(1)
    public void consume(Moved moved) {
        ReadGrant grant = consumer.tryRead();
        if (grant == null) {
            Thread.onSpinWait();
            return;
        }
        byte[] sink = moved.sink;
        if (sink == null) {
            sink = moved.sink = new byte[budget];
        }
        int n = grant.length();
        ByteBuffer b = grant.buffer();
        b.get(sink, 0, n);
        grant.release(n);
        moved.bytesReceived += n;
    }
}
