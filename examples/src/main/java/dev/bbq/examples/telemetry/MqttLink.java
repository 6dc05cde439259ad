package dev.bbq.examples.telemetry;

import dev.bbq.BBQueue;
import dev.bbq.FrameProducer;
import dev.bbq.QueueStats;
import dev.bbq.metrics.StatsSource;
import dev.bbq.mqtt.ForwarderStats;
import dev.bbq.mqtt.MqttForwarder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code telemetry --mqtt}: the records on their way to an MQTT broker.
 *
 * <pre>
 *  framed queue ──▶ consumer thread ──▶ log file
 *                        │ writeOrDrop (never waits)
 *                        ▼
 *                   MQTT queue ──▶ forwarder thread (bbq-mqtt) ──QoS 1──▶ broker
 * </pre>
 *
 * The consumer thread checks each record as before, logs it, and puts its JSON line into a queue of
 * its own, the MQTT queue, with {@code writeOrDrop}; the forwarder drains that queue and releases a
 * message only once the broker acknowledged it. So the log and the broker see the same records, and
 * neither the driver thread nor the consumer ever waits on the network: while the broker is away the
 * MQTT queue fills, and then records are dropped there and counted ("dropped while the broker was
 * away"), while the framed queue and the log go on as without MQTT. The forwarder being the framed
 * queue's consumer instead would have held the whole pipeline, log included, to the broker's pace.
 *
 * <p>Threads: {@link #offer} and {@link #endOfStream()} belong to the consumer thread; the rest to the
 * run's thread.
 */
final class MqttLink implements AutoCloseable {
    private static final String KIND = "{kind}";
    /** The most bytes of records per batch with --mqtt-batch: small enough for any broker's default. */
    static final int BATCH_BYTES = 64 * 1024;
    private static final byte[] KIND_FIELD = "\"kind\":\"".getBytes(StandardCharsets.US_ASCII);

    private final BBQueue queue;
    private final FrameProducer producer;
    private final MqttForwarder forwarder;
    private final String uri;
    private final String topic;
    private final int batch;
    private byte[] scratch;

    private MqttLink(BBQueue queue, MqttForwarder forwarder, String uri, String topic, int batch, int maxMessage) {
        this.queue = queue;
        this.producer = queue.frameProducer();
        this.forwarder = forwarder;
        this.uri = uri;
        this.topic = topic;
        this.batch = batch;
        this.scratch = new byte[maxMessage];
    }

    /** The queue between the record consumer and the forwarder, for the run's metrics. */
    BBQueue queue() {
        return queue;
    }

    /**
     * The forwarder's statistics as bbq-metrics publishes them (JMX, Micrometer, flight recorder):
     * counters under the names of {@link ForwarderStats}'s methods, the connection state as a gauge
     * (its ordinal: 0 idle, then as {@link dev.bbq.mqtt.ConnectionState} lists them) and the time
     * since the last acknowledgement.
     */
    StatsSource<ForwarderStats> statsSource() {
        return StatsSource.builder("mqtt.forwarder", forwarder::stats)
                .counter("messagesPublished", ForwarderStats::messagesPublished)
                .counter("framesPublished", ForwarderStats::framesPublished)
                .counter("framesAcknowledged", ForwarderStats::framesAcknowledged)
                .counter("framesRedelivered", ForwarderStats::framesRedelivered)
                .counter("bytesAcknowledged", ForwarderStats::bytesAcknowledged)
                .counter("framesTooLarge", ForwarderStats::framesTooLarge)
                .counter("framesRejected", ForwarderStats::framesRejected)
                .counter("connects", ForwarderStats::connects)
                .counter("reconnects", ForwarderStats::reconnects)
                .counter("connectFailures", ForwarderStats::connectFailures)
                .gauge("state", s -> s.state().ordinal())
                .gauge("nanosSinceLastAck", ForwarderStats::nanosSinceLastAck)
                .build();
    }

    /**
     * The longest message of a record: its JSON line without the newline. Every field but the
     * readings has a bounded width (under 256 characters together); a float prints in at most 15.
     */
    static int maxMessageLength(int maxRecordLength) {
        int readings = Math.max(0, (maxRecordLength - TelemetryRecord.length(0)) / 4);
        return 256 + 16 * readings;
    }

    /** Starts forwarding as the options say, or returns {@code null} without {@code --mqtt}. */
    static MqttLink open(MqttOptions o, int maxRecordLength) throws IOException {
        if (o.uri == null) {
            return null;
        }
        BBQueue queue = BBQueue.allocate((int) o.queue);
        boolean perKind = o.topic.contains(KIND);
        MqttForwarder.Builder b = MqttForwarder.builder(queue.frameConsumer(), o.uri)
                .clientId(o.clientId())
                .topic(perKind ? o.topic.replace(KIND, "{key}") : o.topic)
                .topicKey(perKind ? MqttLink::kind : null)
                .connectTimeout(3, TimeUnit.SECONDS)
                .backoff(100, 5_000, TimeUnit.MILLISECONDS);
        if (o.batch > 1) {
            b.batch(o.batch, BATCH_BYTES);
        }
        if (o.user != null) {
            char[] password = o.password();
            b.credentials(o.user, password);
            Arrays.fill(password, '\0');
        }
        MqttLink link = new MqttLink(queue, b.build(), o.uri, o.topic, o.batch, maxMessageLength(maxRecordLength));
        link.forwarder.start();
        return link;
    }

    /** The value of the message's "kind" field, for a topic per kind. */
    static String kind(ByteBuffer json) {
        int at = json.position();
        int end = json.limit();
        outer:
        for (int i = at; i + KIND_FIELD.length <= end; i++) {
            for (int j = 0; j < KIND_FIELD.length; j++) {
                if (json.get(i + j) != KIND_FIELD[j]) {
                    continue outer;
                }
            }
            StringBuilder kind = new StringBuilder(16);
            for (int k = i + KIND_FIELD.length; k < end && json.get(k) != '"'; k++) {
                kind.append((char) json.get(k));
            }
            return kind.toString();
        }
        return "unknown";
    }

    /** @return the URI and topic, for the pipeline line */
    String description() {
        return uri + " topic " + topic + (batch > 1 ? ", batches of up to " + batch + " records" : "");
    }

    /**
     * Queues one record's JSON line for the broker (ASCII), or drops it if the MQTT queue is full.
     * Consumer thread only.
     *
     * @return whether the record was queued
     */
    boolean offer(CharSequence json) {
        int n = json.length();
        if (n > scratch.length) {
            scratch = new byte[n]; // not expected (maxMessageLength bounds a line); never truncate a record
        }
        for (int i = 0; i < n; i++) {
            scratch[i] = (byte) json.charAt(i);
        }
        return producer.writeOrDrop(scratch, 0, n);
    }

    /** The consumer has no more records: the forwarder ends once it has forwarded what is queued. */
    void endOfStream() {
        producer.close();
    }

    /**
     * Waits until the broker has acknowledged every queued record or the time is up, then stops the
     * forwarder. What is still queued then counts as not delivered.
     */
    void finish(Duration drain) throws InterruptedException {
        long deadline = System.nanoTime() + drain.toNanos();
        while (forwarder.state() != dev.bbq.mqtt.ConnectionState.CLOSED && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        forwarder.close();
    }

    /** @return records queued for the broker (dropped ones not included) */
    long queued() {
        return queue.stats().framesCommitted();
    }

    /** @return records the broker acknowledged */
    long acknowledged() {
        return forwarder.stats().framesAcknowledged();
    }

    /** @return records dropped because the MQTT queue was full */
    long dropped() {
        return queue.stats().framesDropped();
    }

    /** @return the status line's part: connection state, backlog, and what the full MQTT queue dropped */
    String status() {
        QueueStats q = queue.stats();
        return String.format(Locale.ROOT, " | mqtt %s, backlog %,d (%.0f%%), dropped %,d",
                forwarder.state().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                q.framesCommitted() - q.framesReleased(), 100 * q.fill(), q.framesDropped());
    }

    /**
     * The summary's MQTT line, and when something was not acknowledged a second one that says why.
     *
     * @return the lines, each ending in a newline, the first not indented
     */
    String summary(boolean explain) {
        ForwarderStats s = forwarder.stats();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "mqtt: %,d frames published, %,d acknowledged, %,d redelivered, "
                + "%,d dropped while the broker was away%n", s.framesPublished(), s.framesAcknowledged(),
                s.framesRedelivered(), dropped()));
        if (batch > 1) {
            b.append(String.format(Locale.ROOT, "  mqtt batches: %,d messages, %.1f records each on average%n",
                    s.messagesPublished(), s.messagesPublished() == 0 ? 0.0
                            : (double) s.framesPublished() / s.messagesPublished()));
        }
        if (explain) {
            b.append(String.format(Locale.ROOT, "  mqtt %s: %,d connects, %,d failed attempts, last error: %s%n", uri,
                    s.connects(), s.connectFailures(), s.lastError()));
        }
        return b.toString();
    }

    @Override
    public void close() {
        forwarder.close();
    }
}
