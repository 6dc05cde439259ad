package dev.bbq.examples.telemetry;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The run's chart, one PNG with two panels over time: throughput (frames/s, with MiB/s on a second
 * axis) and end-to-end latency (p50, p99, max of each sampling interval). Drawn with XChart in
 * headless AWT, so it works on a Raspberry Pi without a display.
 */
final class RunChart {
    /** One sampling interval of the run. */
    record Sample(double seconds, double framesPerSecond, double mibPerSecond, double p50Micros, double p99Micros,
                  double maxMicros) {
    }

    private RunChart() {
    }

    /**
     * Writes the chart.
     *
     * @param png the file to write, ending in {@code .png}
     * @param title the chart's title
     * @param samples the run's samples, at least one
     * @param relativeLatency whether latency is relative to the fastest record (device with its own clock)
     * @throws IOException if the file cannot be written
     */
    static void write(Path png, String title, List<Sample> samples, boolean relativeLatency) throws IOException {
        if (samples.isEmpty()) {
            throw new IOException("no samples: the run was too short");
        }
        System.setProperty("java.awt.headless", "true");
        double[] t = samples.stream().mapToDouble(Sample::seconds).toArray();

        XYChart throughput = new XYChartBuilder().width(1000).height(360).title(title)
                .xAxisTitle("time (s)").yAxisTitle("frames/s").build();
        style(throughput);
        line(throughput, "frames/s", t, samples.stream().mapToDouble(Sample::framesPerSecond).toArray(),
                new Color(0x1f77b4), 0);
        line(throughput, "MiB/s", t, samples.stream().mapToDouble(Sample::mibPerSecond).toArray(),
                new Color(0x2ca02c), 1);
        throughput.setYAxisGroupTitle(1, "MiB/s (record bytes)");
        throughput.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);

        XYChart latency = new XYChartBuilder().width(1000).height(360)
                .title(relativeLatency ? "End-to-end latency (relative to the fastest record)" : "End-to-end latency")
                .xAxisTitle("time (s)").yAxisTitle("microseconds (log scale)").build();
        style(latency);
        latency.getStyler().setYAxisLogarithmic(true);
        line(latency, "p50", t, samples.stream().mapToDouble(Sample::p50Micros).toArray(), new Color(0x1f77b4), 0);
        line(latency, "p99", t, samples.stream().mapToDouble(Sample::p99Micros).toArray(), new Color(0xff7f0e), 0);
        line(latency, "max", t, samples.stream().mapToDouble(Sample::maxMicros).toArray(), new Color(0xd62728), 0);

        String name = png.toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(List.of(throughput, latency), 2, 1, base, BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Draws a throw-away chart in memory, so that AWT, its fonts and the PNG writer are set up (and
     * have registered their shutdown hooks) before the run: after Ctrl-C the JVM refuses new hooks,
     * and the chart must still be written then.
     */
    static void warmUp() {
        System.setProperty("java.awt.headless", "true");
        try {
            XYChart chart = new XYChartBuilder().width(64).height(48).build();
            style(chart);
            line(chart, "warm-up", new double[] {0, 1}, new double[] {1, 2}, Color.BLACK, 0);
            javax.imageio.ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png",
                    java.io.OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException | LinkageError e) {
            // the real chart reports the problem
        }
    }

    private static void style(XYChart chart) {
        XYStyler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.InsideNW);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xdddddd));
        s.setAntiAlias(true);
        chart.getStyler().setXAxisDecimalPattern("0.#");
    }

    private static void line(XYChart chart, String name, double[] x, double[] y, Color color, int axis) {
        if (chart.getStyler().isYAxisLogarithmic()) {
            y = java.util.Arrays.stream(y).map(v -> Math.max(v, 1)).toArray(); // an empty interval has 0
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(color);
        series.setYAxisGroup(axis);
    }
}
