package dev.bbq.metrics;

import dev.bbq.QueueStats;
import dev.bbq.wire.Deframer;
import dev.bbq.wire.DeframerStats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * Named statistics read from one snapshot: what {@link QueueMetrics} publishes for anything that is
 * not a queue, such as a {@link Deframer}, a serial or SPI pump, or a forwarder. The snapshot comes
 * from a {@link Supplier} (usually the component's {@code stats()} method), so this module needs no
 * dependency on the modules that hold the pumps:
 *
 * <pre>{@code
 * StatsSource<SerialStats> uart = StatsSource.builder("serial.pump", pump::stats)
 *         .counter("transfers", SerialStats::transfers)
 *         .counter("bytesTransferred", SerialStats::bytesTransferred)
 *         .counter("overruns", SerialStats::overruns)
 *         .counter("bytesDropped", SerialStats::bytesDropped)
 *         .counter("errors", SerialStats::errors)
 *         .build();
 * }</pre>
 *
 * <p>A <em>counter</em> only grows (bytes moved, frames dropped); a <em>gauge</em> goes up and down
 * (bytes in use). Micrometer publishes them as function counters and gauges. A statistic whose name
 * starts with {@code bytes} or contains {@code Bytes} is measured in bytes; one whose name ends in
 * {@code Nanos} is a time in nanoseconds, which Micrometer publishes in seconds.
 *
 * @param <S> the type of the snapshot the statistics are read from
 */
public final class StatsSource<S> {
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*");
    private static final Pattern STAT = Pattern.compile("[a-z][A-Za-z0-9]*");
    /** The unit of a statistic in bytes. */
    static final String BYTES = "bytes";
    /** The unit of a time in nanoseconds. */
    static final String NANOSECONDS = "nanoseconds";

    private final String type;
    private final Supplier<? extends S> snapshot;
    private final List<Stat<S>> stats;

    private StatsSource(Builder<S> builder) {
        this.type = builder.type;
        this.snapshot = builder.snapshot;
        this.stats = Collections.unmodifiableList(new ArrayList<>(builder.stats));
    }

    /**
     * Starts describing a source.
     *
     * @param <S> the type of the snapshot
     * @param type what kind of component this is, in lower case words separated by dots (such as
     *        {@code deframer} or {@code serial.pump}); Micrometer meter names start with
     *        {@code bbq.} and this type
     * @param snapshot takes a snapshot of the component's counters; called from the thread that
     *        reads the statistics (a JMX client's, a meter registry's or the flight recorder's), so
     *        it must be safe from any thread
     * @return a builder to add statistics to
     * @throws IllegalArgumentException if the type is not lower case words separated by dots
     */
    public static <S> Builder<S> builder(String type, Supplier<? extends S> snapshot) {
        return new Builder<>(type, snapshot);
    }

    /**
     * The statistics of a deframer, as {@link DeframerStats} names them: counters
     * {@code bytesRead}, {@code framesDelivered}, {@code bytesDelivered}, {@code framesDropped},
     * {@code crcErrors}, {@code oversizeFrames}, {@code malformedFrames}, {@code bytesDiscarded}.
     *
     * @param deframer the deframer, whose {@link Deframer#stats()} is safe from any thread
     * @return its statistics, of type {@code deframer}
     */
    public static StatsSource<DeframerStats> deframer(Deframer deframer) {
        Objects.requireNonNull(deframer, "deframer");
        return builder("deframer", deframer::stats)
                .counter("bytesRead", DeframerStats::bytesRead)
                .counter("framesDelivered", DeframerStats::framesDelivered)
                .counter("bytesDelivered", DeframerStats::bytesDelivered)
                .counter("framesDropped", DeframerStats::framesDropped)
                .counter("crcErrors", DeframerStats::crcErrors)
                .counter("oversizeFrames", DeframerStats::oversizeFrames)
                .counter("malformedFrames", DeframerStats::malformedFrames)
                .counter("bytesDiscarded", DeframerStats::bytesDiscarded)
                .build();
    }

    /**
     * The statistics of a queue, as {@link QueueStats} names them: gauges {@code capacity},
     * {@code bytesInUse} and {@code highWaterMark}; counters {@code bytesCommitted},
     * {@code framesCommitted}, {@code bytesReleased}, {@code framesReleased}, {@code grantsRefused},
     * {@code framesDropped}, {@code bytesDropped}, {@code producerWaitNanos} and
     * {@code consumerWaitNanos}. {@link QueueMetrics} publishes a queue with these and its fill.
     *
     * @param stats takes a snapshot, such as {@code queue::stats} (safe from any thread)
     * @return the queue's statistics, of type {@code queue}
     */
    public static StatsSource<QueueStats> queue(Supplier<QueueStats> stats) {
        return builder("queue", stats)
                .add("capacity", false, BYTES, QueueStats::capacity)
                .gauge("bytesInUse", QueueStats::bytesInUse)
                .add("highWaterMark", false, BYTES, QueueStats::highWaterMark)
                .counter("bytesCommitted", QueueStats::bytesCommitted)
                .counter("framesCommitted", QueueStats::framesCommitted)
                .counter("bytesReleased", QueueStats::bytesReleased)
                .counter("framesReleased", QueueStats::framesReleased)
                .counter("grantsRefused", QueueStats::grantsRefused)
                .counter("framesDropped", QueueStats::framesDropped)
                .counter("bytesDropped", QueueStats::bytesDropped)
                .counter("producerWaitNanos", QueueStats::producerWaitNanos)
                .counter("consumerWaitNanos", QueueStats::consumerWaitNanos)
                .build();
    }

    /**
     * What kind of component this is.
     *
     * @return the type given to {@link #builder(String, Supplier)}, such as {@code deframer}
     */
    public String type() {
        return type;
    }

    /**
     * The statistics' names, in the order they were added.
     *
     * @return the names, unmodifiable
     */
    public List<String> names() {
        List<String> names = new ArrayList<>(stats.size());
        for (Stat<S> stat : stats) {
            names.add(stat.name);
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * Whether a statistic only grows.
     *
     * @param name a statistic's name
     * @return true for a counter, false for a gauge
     * @throws IllegalArgumentException if there is no statistic of that name
     */
    public boolean isCounter(String name) {
        return stat(name).counter;
    }

    /**
     * The unit of a statistic: {@link #BYTES}, {@link #NANOSECONDS} or null for a count.
     *
     * @param name a statistic's name
     * @return its unit, or null
     */
    String unit(String name) {
        return stat(name).unit;
    }

    /**
     * Reads every statistic from one snapshot.
     *
     * @return the values by name, in the order the statistics were added
     */
    public Map<String, Long> read() {
        S now = snapshot.get();
        Map<String, Long> values = new LinkedHashMap<>();
        for (Stat<S> stat : stats) {
            values.put(stat.name, stat.reader.applyAsLong(now));
        }
        return values;
    }

    /**
     * Reads one statistic from a fresh snapshot.
     *
     * @param name a statistic's name
     * @return its value now
     * @throws IllegalArgumentException if there is no statistic of that name
     */
    public long read(String name) {
        return stat(name).reader.applyAsLong(snapshot.get());
    }

    private Stat<S> stat(String name) {
        for (Stat<S> stat : stats) {
            if (stat.name.equals(name)) {
                return stat;
            }
        }
        throw new IllegalArgumentException("no statistic " + name + " in " + type + " (has " + names() + ")");
    }

    @Override
    public String toString() {
        return "StatsSource[" + type + ", " + names() + "]";
    }

    /** One named statistic. */
    private static final class Stat<S> {
        final String name;
        final boolean counter;
        final String unit;
        final ToLongFunction<? super S> reader;

        Stat(String name, boolean counter, String unit, ToLongFunction<? super S> reader) {
            this.name = name;
            this.counter = counter;
            this.unit = unit;
            this.reader = reader;
        }
    }

    /**
     * Describes a {@link StatsSource}: its statistics, each with a name and how to read it from a
     * snapshot.
     *
     * @param <S> the type of the snapshot
     */
    public static final class Builder<S> {
        private final String type;
        private final Supplier<? extends S> snapshot;
        private final List<Stat<S>> stats = new ArrayList<>();

        private Builder(String type, Supplier<? extends S> snapshot) {
            Objects.requireNonNull(type, "type");
            if (!TYPE.matcher(type).matches()) {
                throw new IllegalArgumentException("type must be lower case words separated by dots: " + type);
            }
            this.type = type;
            this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        }

        /**
         * Adds a statistic that only grows, such as bytes moved or frames dropped.
         *
         * @param name its name, a Java-style identifier starting in lower case ({@code framesDropped}),
         *        unique in this source; it names the JMX attribute and, split into words, the meter
         * @param reader reads it from a snapshot
         * @return this builder
         * @throws IllegalArgumentException if the name is not such an identifier or is taken
         */
        public Builder<S> counter(String name, ToLongFunction<? super S> reader) {
            return add(name, true, unitOf(name), reader);
        }

        /**
         * Adds a statistic that goes up and down, such as bytes in use.
         *
         * @param name its name, a Java-style identifier starting in lower case ({@code bytesInUse}),
         *        unique in this source; it names the JMX attribute and, split into words, the meter
         * @param reader reads it from a snapshot
         * @return this builder
         * @throws IllegalArgumentException if the name is not such an identifier or is taken
         */
        public Builder<S> gauge(String name, ToLongFunction<? super S> reader) {
            return add(name, false, unitOf(name), reader);
        }

        private static String unitOf(String name) {
            return name.endsWith("Nanos") ? NANOSECONDS
                    : name.startsWith("bytes") || name.contains("Bytes") ? BYTES : null;
        }

        Builder<S> add(String name, boolean counter, String unit, ToLongFunction<? super S> reader) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reader, "reader");
            if (!STAT.matcher(name).matches()) {
                throw new IllegalArgumentException("a statistic's name is an identifier starting in lower case: " + name);
            }
            for (Stat<S> stat : stats) {
                if (stat.name.equals(name)) {
                    throw new IllegalArgumentException("statistic " + name + " is already in " + type);
                }
            }
            stats.add(new Stat<>(name, counter, unit, reader));
            return this;
        }

        /**
         * Finishes the description.
         *
         * @return the source
         * @throws IllegalStateException if no statistic was added
         */
        public StatsSource<S> build() {
            if (stats.isEmpty()) {
                throw new IllegalStateException("a source needs at least one statistic: " + type);
            }
            return new StatsSource<>(this);
        }
    }
}
