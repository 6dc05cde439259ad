package dev.bbq.examples.telemetry;

import dev.bbq.BBQueue;
import dev.bbq.QueueStats;
import dev.bbq.examples.Cli;
import dev.bbq.wire.Deframer;
import dev.bbq.wire.DeframerStats;
import java.io.IOException;
import java.util.BitSet;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The end of a run: what arrived, per sensor; latency percentiles; queue and deframer counters; and
 * the verdict, which says plainly whether any frame was lost, duplicated or corrupted.
 *
 * <p>With the in-process device the accounting is exact, per sequence number: every frame the
 * device generated was either delivered intact, destroyed by the noise it injected (and then
 * rejected by a check), dropped and counted (device transmit buffer full, framed queue full), or
 * lost. A damaged frame that got through is corrupted; more rejections than damaged frames means
 * the pipeline itself damaged frames, also corrupted. With an external device only its sequence
 * numbers and the checks' counters are known: gaps not explained by rejected or dropped frames are
 * lost.
 *
 * <p>With {@code --mqtt} a record is delivered only once the broker acknowledged it: a record the
 * MQTT queue dropped is "dropped under overload" (the consumer does not mark it delivered), and one
 * still queued when the run ended is not acknowledged, which fails the run as a loss would.
 */
final class Summary {
    private final TelemetryCommand o;
    private final Source source;
    private final BBQueue raw;
    private final BBQueue framed;
    private final DeframerStats d;
    private final RecordConsumer c;
    private final Histogram latency;
    private final double seconds;

    long generated = -1;
    long delivered;
    long noiseDestroyed;
    long droppedAtDevice;
    long droppedInPipeline;
    long lost;
    long duplicated;
    long corrupted;
    long rejected;
    /** With --mqtt: records dropped because the MQTT queue was full, and queued but never acknowledged. */
    long droppedForBroker;
    long unacknowledged;
    private boolean ok;
    private String verdict;

    Summary(TelemetryCommand o, Source source, BBQueue raw, BBQueue framed, Deframer deframer, RecordConsumer c,
            Histogram latency, double seconds) {
        this.o = o;
        this.source = source;
        this.raw = raw;
        this.framed = framed;
        this.d = deframer == null ? null : deframer.stats();
        this.c = c;
        this.latency = latency;
        this.seconds = seconds;
        account();
    }

    /** @return whether no frame was lost, duplicated or corrupted */
    boolean ok() {
        return ok;
    }

    /** @return the verdict line */
    String verdict() {
        return verdict;
    }

    /** @return a short title for the chart */
    String title() {
        return String.format(Locale.ROOT, "%,d frames in %.1f s", delivered, seconds);
    }

    private void account() {
        delivered = c.counter(RecordConsumer.FRAMES);
        MqttLink mqtt = c.mqtt();
        if (mqtt != null) {
            droppedForBroker = mqtt.dropped();
            unacknowledged = Math.max(0, mqtt.queued() - mqtt.acknowledged());
            // The frames the consumer took and then queued for the broker (the bit sets hold these).
            delivered -= droppedForBroker;
        }
        duplicated = c.counter(RecordConsumer.DUPLICATES);
        long wireRejected = d == null ? 0 : d.errors();
        long recordRejected = c.counter(RecordConsumer.RECORD_CRC_ERRORS) + c.counter(RecordConsumer.MALFORMED);
        rejected = wireRejected + recordRejected;
        droppedInPipeline = (d == null ? 0 : d.framesDropped());
        SimulatedDevice.Truth truth = source.truth();
        if (truth != null && c.delivered != null) {
            accountExactly(truth);
        } else {
            droppedAtDevice = source.framesDropped();
            long gaps = c.counter(RecordConsumer.GAPS);
            // SPI has no wire check: the record CRC is the check that catches line noise there.
            long detected = source.framed() ? rejected : wireRejected;
            corrupted = source.framed() ? 0 : recordRejected;
            lost = Math.max(0, gaps - detected - droppedInPipeline - droppedAtDevice);
            if (mqtt != null) {
                delivered = mqtt.acknowledged();
            }
            noiseDestroyed = Math.min(gaps, detected);
        }
        ok = lost == 0 && duplicated == 0 && corrupted == 0 && unacknowledged == 0;
        verdict = verdictText(truth != null);
    }

    private void accountExactly(SimulatedDevice.Truth truth) {
        generated = truth.total();
        long intact = 0;
        long damagedDelivered = 0;
        long missing = 0;
        for (int s = 0; s < truth.generated.length; s++) {
            int n = truth.generated[s];
            BitSet got = c.delivered[s].get(0, n);
            BitSet damaged = truth.damaged[s].get(0, n);
            BitSet overrun = truth.overrun[s].get(0, n);
            BitSet gotDamaged = (BitSet) got.clone();
            gotDamaged.and(damaged);
            damagedDelivered += gotDamaged.cardinality();
            intact += got.cardinality() - gotDamaged.cardinality();
            BitSet notGot = new BitSet(n);
            notGot.set(0, n);
            notGot.andNot(got);
            BitSet destroyed = (BitSet) notGot.clone();
            destroyed.and(damaged);
            noiseDestroyed += destroyed.cardinality();
            notGot.andNot(damaged);
            BitSet dropped = (BitSet) notGot.clone();
            dropped.and(overrun);
            droppedAtDevice += dropped.cardinality();
            notGot.andNot(overrun);
            missing += notGot.cardinality();
        }
        long unknown = delivered - intact - damagedDelivered; // delivered numbers the device never sent
        lost = Math.max(0, missing - droppedInPipeline - droppedForBroker);
        corrupted = damagedDelivered + Math.max(0, rejected - noiseDestroyed) + Math.max(0, unknown);
        if (c.mqtt() != null) {
            delivered -= Math.min(delivered, unacknowledged); // the broker has the rest: it acknowledged them in order
        }
    }

    private String verdictText(boolean exact) {
        StringBuilder b = new StringBuilder();
        b.append(ok ? "RESULT: OK. " : "RESULT: FAILED. ");
        if (exact) {
            b.append(String.format(Locale.ROOT, "%,d frames sent, %,d delivered intact and in order", generated,
                    delivered - Math.min(delivered, corrupted)));
            if (noiseDestroyed > 0 || o.device.noise > 0) {
                b.append(String.format(Locale.ROOT, "; %,d destroyed by injected noise, %s", noiseDestroyed,
                        rejected >= noiseDestroyed ? "all detected" : "NOT ALL DETECTED"));
            }
        } else {
            b.append(String.format(Locale.ROOT, "%,d frames delivered intact and in order", delivered));
            if (noiseDestroyed > 0) {
                b.append(String.format(Locale.ROOT, "; %,d missing frames explained by frames the checks rejected "
                        + "(line noise)", noiseDestroyed));
            }
        }
        long dropped = droppedAtDevice + droppedInPipeline + droppedForBroker;
        if (dropped > 0) {
            b.append(String.format(Locale.ROOT, "; %,d dropped under overload and counted (%s: %,d, framed queue "
                    + "full: %,d%s)", dropped, source instanceof SensorThreadsSource ? "sensor threads' writeOrDrop"
                    : source.framed() ? "SPI pump" : "device transmit buffer full",
                    droppedAtDevice, droppedInPipeline, c.mqtt() == null ? ""
                            : String.format(Locale.ROOT, ", MQTT queue full: %,d", droppedForBroker)));
        }
        if (unacknowledged > 0) {
            b.append(String.format(Locale.ROOT, "; %,d FRAMES NOT ACKNOWLEDGED by the broker when the run ended",
                    unacknowledged));
        }
        b.append(String.format(Locale.ROOT, "; %s lost, %s duplicated, %s corrupted.", loud(lost), loud(duplicated),
                loud(corrupted)));
        if (source.bytesDropped() > 0) {
            b.append(String.format(Locale.ROOT, " The serial pump dropped %,d bytes (queue full).", source.bytesDropped()));
        }
        return b.toString();
    }

    private static String loud(long n) {
        return n == 0 ? "0" : String.format(Locale.ROOT, "%,d FRAMES", n);
    }

    /** @return the whole summary, lines ending in newlines */
    String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%nSummary: %s, %.1f s%n", source.description(), seconds));
        b.append(String.format(Locale.ROOT, "  %,d frames delivered, %,.0f frames/s, %s of records (%.2f MiB/s)%n",
                delivered, delivered / seconds, Cli.bytes(c.counter(RecordConsumer.BYTES)),
                c.counter(RecordConsumer.BYTES) / seconds / (1 << 20)));
        b.append(String.format(Locale.ROOT, "  %-6s %-12s %10s %9s %10s %10s %10s %s%n", "sensor", "kind", "frames",
                "rate/s", "min", "max", "mean", "unit"));
        for (int s = 0; s < 256; s++) {
            if (c.frames[s] == 0) {
                continue;
            }
            SensorKind k = SensorKind.of(s);
            b.append(String.format(Locale.ROOT, "  %6d %-12s %,10d %,9.1f %10.3f %10.3f %10.3f %s%n", s, k.label(),
                    c.frames[s], c.frames[s] / seconds, c.min[s], c.max[s], c.sum[s] / c.readings[s], k.unit()));
        }
        if (latency.getTotalCount() > 0) {
            b.append(String.format(Locale.ROOT, "  latency%s: p50 %s, p90 %s, p99 %s, p99.9 %s, max %s%n",
                    c.relativeLatency() ? " (relative to the fastest record: the device has its own clock)"
                            : " (device timestamp to consumer)",
                    Cli.micros(latency.getValueAtPercentile(50)), Cli.micros(latency.getValueAtPercentile(90)),
                    Cli.micros(latency.getValueAtPercentile(99)), Cli.micros(latency.getValueAtPercentile(99.9)),
                    Cli.micros(latency.getMaxValue())));
        }
        if (raw != null) {
            b.append("  raw queue:    ").append(queue(raw.stats())).append(String.format(Locale.ROOT, "%n"));
        }
        b.append("  framed queue: ").append(queue(framed.stats()))
                .append(String.format(Locale.ROOT, ", %,d frames dropped%n", framed.stats().framesDropped()));
        if (d != null) {
            b.append(String.format(Locale.ROOT, "  deframer: %s read, %,d frames, %,d CRC errors, %,d malformed, "
                    + "%,d oversize, %,d dropped%n", Cli.bytes(d.bytesRead()), d.framesDelivered(), d.crcErrors(),
                    d.malformedFrames(), d.oversizeFrames(), d.framesDropped()));
        }
        b.append(String.format(Locale.ROOT, "  consumer: %,d record CRC errors, %,d malformed records, %,d idle "
                + "packets, %,d sequence gaps, %,d duplicates%n", c.counter(RecordConsumer.RECORD_CRC_ERRORS),
                c.counter(RecordConsumer.MALFORMED), c.counter(RecordConsumer.IDLE), c.counter(RecordConsumer.GAPS),
                c.counter(RecordConsumer.DUPLICATES)));
        if (c.mqtt() != null) {
            b.append("  ").append(c.mqtt().summary(unacknowledged > 0));
        }
        b.append(verdict).append(String.format(Locale.ROOT, "%n"));
        return b.toString();
    }

    private static String queue(QueueStats s) {
        return String.format(Locale.ROOT, "%s, high-water %s (%.0f%%), %,d grants refused, waited %s producer / %s "
                + "consumer", Cli.bytes(s.capacity()), Cli.bytes(s.highWaterMark()),
                100.0 * s.highWaterMark() / s.capacity(), s.grantsRefused(),
                millis(s.producerWaitNanos()), millis(s.consumerWaitNanos()));
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%,d ms", nanos / 1_000_000);
    }

    /** @return the line naming the log files */
    String logLine(TelemetryLog log, IOException failure) {
        int files = log.files();
        String line = String.format(Locale.ROOT, "log: %s%s, %s written", log.current(),
                files > 1 ? " + " + (files - 1) + " rotated file" + (files > 2 ? "s" : "") : "",
                Cli.bytes(log.bytesWritten()));
        return failure == null ? line : line + "; LOG WRITE FAILED: " + Cli.oneLineMessage(failure);
    }
}
