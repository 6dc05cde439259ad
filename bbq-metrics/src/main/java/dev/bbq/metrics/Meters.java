package dev.bbq.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The Micrometer binding. Only this class names Micrometer's types in its code, so the rest of the
 * module loads and works without Micrometer on the class path.
 */
final class Meters {
    /** The tag that tells one queue or component from another. */
    static final String NAME_TAG = "name";

    /**
     * Micrometer holds a function counter's state object weakly; the registration of a bound source
     * (which holds the source) is kept here until it is closed, so that a source made on the fly
     * keeps reporting.
     */
    private static final Set<Object> BOUND = ConcurrentHashMap.newKeySet();

    private Meters() {
    }

    static Registration bind(MeterRegistry registry, String name, StatsSource<?> source, Iterable<Tag> tags,
                             ToDoubleFunction<StatsSource<?>> fill) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Tags all = Tags.of(Objects.requireNonNull(tags, "tags")).and(NAME_TAG, name);
        String prefix = "bbq." + source.type() + ".";
        List<Meter> meters = new ArrayList<>();
        for (String stat : source.names()) {
            boolean nanos = StatsSource.NANOSECONDS.equals(source.unit(stat));
            String words = words(nanos && stat.endsWith("Nanos") ? stat.substring(0, stat.length() - 5) : stat);
            String unit = nanos ? "seconds" : source.unit(stat);
            double scale = nanos ? 1e-9 : 1;
            if (source.isCounter(stat)) {
                meters.add(FunctionCounter.builder(prefix + words, source, s -> s.read(stat) * scale)
                        .tags(all).baseUnit(unit).description(source.type() + " " + stat).register(registry));
            } else {
                meters.add(Gauge.builder(prefix + words, source, s -> s.read(stat) * scale)
                        .tags(all).baseUnit(unit).description(source.type() + " " + stat).strongReference(true)
                        .register(registry));
            }
        }
        if (fill != null) {
            meters.add(Gauge.builder(prefix + "fill", source, fill).tags(all).baseUnit("ratio")
                    .description("bytes in use as a fraction of the capacity").strongReference(true)
                    .register(registry));
        }
        Registration registration = new Registration() {
            private final StatsSource<?> bound = source;
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    for (Meter meter : meters) {
                        registry.remove(meter);
                    }
                    BOUND.remove(this);
                }
            }

            @Override
            public String toString() {
                return "meters of " + bound.type() + " " + name;
            }
        };
        BOUND.add(registration);
        return registration;
    }

    /** {@code bytesInUse} to {@code bytes.in.use}: Micrometer's naming convention. */
    static String words(String camel) {
        StringBuilder dotted = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                dotted.append('.').append(Character.toLowerCase(c));
            } else {
                dotted.append(c);
            }
        }
        return dotted.toString().toLowerCase(Locale.ROOT);
    }
}
