package dev.bbq.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

/**
 * Round-trip times of paired latency rounds as HdrHistogram distributions, in nanoseconds.
 *
 * <p>A child records each round's round trips in one histogram (recording allocates nothing, so
 * the measuring thread's loop stays as it is) and sends it, compressed, with the round's result;
 * the parent adds the measured rounds of each candidate into one pooled distribution. A round's
 * median compares candidates within a second of each other; the pooled distribution keeps the rare
 * stalls (a descheduled thread, a GC, a page fault) that no single 200 ms round holds enough of to
 * rank, and they are pooled over the same stretch of time for every candidate.
 *
 * <p>Each round trip has one message in flight and the next starts when the last one returned, so
 * there is no send schedule to fall behind and nothing for coordinated-omission correction to add.
 */
final class RoundTrips {
    /** The longest round trip kept as itself; a longer one (a thread descheduled for seconds) is kept as this. */
    static final long LONGEST = TimeUnit.SECONDS.toNanos(10);
    /** Values below 2,048 ns are exact, above it within 0.1 %. */
    private static final int DIGITS = 3;

    private RoundTrips() {
    }

    static Histogram histogram() {
        return new Histogram(1, LONGEST, DIGITS);
    }

    /** Records one round trip, clamped into the histogram's range. */
    static void record(Histogram histogram, long nanos) {
        histogram.recordValue(Math.max(1, Math.min(nanos, LONGEST)));
    }

    /** The histogram as one line of text: compressed, then Base64. */
    static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    static Histogram decode(String line) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(line)), LONGEST);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not a compressed histogram: " + e.getMessage(), e);
        }
    }

    /** The tail of a pooled distribution on one line. */
    static String summary(Histogram histogram) {
        return String.format(Locale.ROOT, "pooled over %,d round trips: p50 %d, p99 %d, p99.9 %d, p99.99 %d, max %d ns",
                histogram.getTotalCount(), histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                histogram.getValueAtPercentile(99.9), histogram.getValueAtPercentile(99.99),
                histogram.getMaxValue());
    }

    /** HdrHistogram's percentile distribution text (the {@code .hgrm} format its plotters read), in nanoseconds. */
    static void writeDistribution(Histogram histogram, Path file) throws IOException {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, "UTF-8")) {
            histogram.outputPercentileDistribution(out, 1.0);
        }
    }

    /**
     * Latency by percentile, one line per candidate, on the usual scale of "nines": x is
     * {@code -log10(1 - percentile)}, so 90 %, 99 %, 99.9 % ... fall on 1, 2, 3 ..., and y is
     * {@code log10(nanoseconds)}. Both axes are drawn linear in those logarithms and labelled in
     * percent and time (XChart's own log axis hands its label function values of its own scale).
     */
    static void chart(Map<String, Histogram> byCandidate, String title, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title)
                .xAxisTitle("percentile").yAxisTitle("round trip").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(RoundTrips::percentileLabel);
        chart.getStyler().setyAxisTickLabelsFormattingFunction(RoundTrips::durationLabel);
        for (Map.Entry<String, Histogram> e : byCandidate.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (HistogramIterationValue v : e.getValue().percentiles(5)) {
                double fraction = v.getPercentileLevelIteratedTo() / 100;
                if (fraction >= 1) {
                    break; // the maximum sits at x = infinity
                }
                xs.add(-Math.log10(1 - fraction));
                ys.add(Math.log10(Math.max(1, v.getValueIteratedTo())));
            }
            chart.addSeries(e.getKey(), xs, ys).setMarker(SeriesMarkers.NONE);
        }
        String name = png.toString();
        BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }

    /** {@code log10} of nanoseconds as time, in the unit that keeps the number short: "500 ns", "40 µs", "6 ms". */
    static String durationLabel(double log10Nanos) {
        double nanos = Math.pow(10, log10Nanos);
        if (nanos < 999.5) {
            return String.format(Locale.ROOT, "%.0f ns", nanos);
        }
        return nanos < 999_500 ? String.format(Locale.ROOT, "%.0f µs", nanos / 1e3)
                : String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }

    /** 0 → "0%", 1 → "90%", 2 → "99%", 3 → "99.9%"; in between, as many decimals as the next whole nine. */
    static String percentileLabel(double nines) {
        double percent = 100 * (1 - Math.pow(10, -nines));
        int decimals = Math.max(0, (int) Math.ceil(nines - 1e-9) - 2);
        return String.format(Locale.ROOT, "%." + decimals + "f%%", percent);
    }
}
