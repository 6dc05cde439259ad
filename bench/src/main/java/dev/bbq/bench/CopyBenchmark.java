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
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The floor for {@link BulkBenchmark}: one thread copying the same chunks once, from a source
 * array into a direct ring-sized buffer at a moving offset. Its score is in chunks per second;
 * the report converts it to bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"})
public class CopyBenchmark {
    @Param({"4096", "65536"})
    public int chunk;

    @Param({"1048576"})
    public int budget;

    private ByteBuffer ring;
    private byte[] source;
    private int offset;

    @Setup(Level.Trial)
    public void open() {
        ring = ByteBuffer.allocateDirect(budget);
        source = Bytes.source(chunk);
    }

    @Benchmark
    @OperationsPerInvocation(1)
    public void copyOnce() {
        if (offset + chunk > budget) {
            offset = 0;
        }
        ring.put(offset, source, 0, chunk);
        offset += chunk;
    }
}
