package dev.bbq.examples.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.examples.Cli;
import dev.bbq.examples.Run;
import dev.bbq.mqtt.BatchPayload;
import dev.bbq.testing.mosquitto.Mosquitto;
import dev.bbq.testing.mosquitto.Subscriber;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code telemetry --mqtt} against a real Mosquitto broker the test starts on a free loopback port
 * (the same helper as bbq-mqtt's tests): every record reaches a subscriber, the log keeps every record
 * as before, and the summary counts a record as delivered only once the broker acknowledged it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TelemetryMqttTest {
    private static final Pattern RESULT = Pattern.compile(
            "RESULT: OK\\. ([\\d,]+) frames sent, ([\\d,]+) delivered intact and in order(.*); 0 lost, 0 duplicated, "
                    + "0 corrupted\\.");
    private static final Pattern MQTT = Pattern.compile("\\n {2}mqtt: ([\\d,]+) frames published, ([\\d,]+) "
            + "acknowledged, ([\\d,]+) redelivered, ([\\d,]+) dropped while the broker was away\\n");

    @TempDir
    Path dir;

    private static long number(String s) {
        return Long.parseLong(s.replace(",", ""));
    }

    private static List<String> text(List<byte[]> messages) {
        List<String> lines = new ArrayList<>();
        for (byte[] m : messages) {
            lines.add(new String(m, StandardCharsets.US_ASCII));
        }
        return lines;
    }

    @Test
    void everyRecordReachesTheBrokerInLogOrderAndCountsOnceAcknowledged() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir, "allow_anonymous true", "persistence false");
             Subscriber all = new Subscriber(broker.uri(), "bbq/#", "telemetry-test-all");
             Subscriber temperature = new Subscriber(broker.uri(), "bbq/telemetry/temperature", "telemetry-test-t")) {
            Run run = Run.of("telemetry", "--duration", "1500ms", "--rate", "1000", "--framed-queue", "1MiB",
                    "--out", dir.toString(), "--no-chart", "--mqtt", broker.uri(), "--topic", "bbq/telemetry/{kind}",
                    "--mqtt-client-id", "telemetry-test-demo");
            assertEquals(Cli.OK, run.status, run.toString());
            Matcher result = RESULT.matcher(run.out);
            assertTrue(result.find(), run.out);
            long sent = number(result.group(1));
            assertTrue(sent > 0, run.out);
            assertEquals(sent, number(result.group(2)), "every frame delivered, i.e. acknowledged\n" + run.out);
            assertFalse(result.group(3).contains("dropped"), run.out);
            Matcher mqtt = MQTT.matcher(run.out);
            assertTrue(mqtt.find(), run.out);
            assertEquals(sent, number(mqtt.group(2)), "acknowledged\n" + run.out);
            assertEquals(number(mqtt.group(1)), number(mqtt.group(2)) + number(mqtt.group(3)),
                    "published = acknowledged + redelivered\n" + run.out);
            assertEquals(0, number(mqtt.group(4)), "nothing dropped\n" + run.out);
            assertTrue(Pattern.compile("\\| mqtt (connected|connecting|waiting to reconnect), backlog [\\d,]+ \\(\\d+%\\), "
                    + "dropped [\\d,]+ \\|").matcher(run.out).find(), "the status line shows MQTT\n" + run.out);

            // The broker passes each message on once it has it, and the forwarder waits for each
            // acknowledgement: the subscriber gets the log's records, in the log's order.
            List<String> log = Files.readAllLines(dir.resolve("telemetry.jsonl"), StandardCharsets.US_ASCII);
            assertEquals(sent, log.size(), "the log keeps every record as without --mqtt");
            List<String> received = text(all.await(log.size(), 10_000));
            int repeats = (int) number(mqtt.group(3));
            if (repeats == 0) {
                assertEquals(log, received, "every record, as logged, in order");
            } else { // a redelivery repeats a message: the distinct ones are still the log, in order
                assertEquals(log, new ArrayList<>(new java.util.LinkedHashSet<>(received)), "every record, in order");
            }
            List<String> temperatures = new ArrayList<>();
            for (String line : log) {
                if (line.contains("\"kind\":\"temperature\"")) {
                    temperatures.add(line);
                }
            }
            assertFalse(temperatures.isEmpty(), "sensor 0 is a temperature sensor");
            assertEquals(temperatures, new ArrayList<>(new java.util.LinkedHashSet<>(
                    text(temperature.await(temperatures.size(), 10_000)))), "a topic per kind: {kind}");
        }
    }

    @Test
    void withBatchesEachMessageCarriesConsecutiveRecordsOfTheLog() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir, "allow_anonymous true", "persistence false");
             Subscriber subscriber = new Subscriber(broker.uri(), "bbq/telemetry", "telemetry-test-batches")) {
            Run run = Run.of("telemetry", "--duration", "1500ms", "--rate", "4000", "--framed-queue", "1MiB",
                    "--out", dir.toString(), "--no-chart", "--quiet", "--mqtt", broker.uri(), "--mqtt-batch", "100");
            assertEquals(Cli.OK, run.status, run.toString());
            Matcher result = RESULT.matcher(run.out);
            assertTrue(result.find(), run.out);
            long sent = number(result.group(1));
            assertEquals(sent, number(result.group(2)), "every record acknowledged\n" + run.out);
            Matcher batches = Pattern.compile("mqtt batches: ([\\d,]+) messages").matcher(run.out);
            assertTrue(batches.find(), run.out);
            long messages = number(batches.group(1));
            // How many records a batch gets depends on how far the forwarder is behind (a fast one
            // takes them one by one); bbq-mqtt's own test checks full batches with frames queued first.
            assertTrue(messages >= 1 && messages <= sent, messages + " messages for " + sent + " records");

            // The decoder a subscriber uses: BatchPayload from bbq-mqtt.
            List<String> received = new ArrayList<>();
            for (byte[] message : subscriber.await((int) messages, 10_000)) {
                int n = BatchPayload.decode(message, record -> {
                    byte[] line = new byte[record.remaining()];
                    record.duplicate().get(line);
                    received.add(new String(line, StandardCharsets.US_ASCII));
                });
                assertTrue(n >= 1 && n <= 100, "1 to 100 records per message: " + n);
            }
            List<String> log = Files.readAllLines(dir.resolve("telemetry.jsonl"), StandardCharsets.US_ASCII);
            assertEquals(sent, log.size());
            assertEquals(log, new ArrayList<>(new java.util.LinkedHashSet<>(received)), "every record, in order");
        }
    }

    @Test
    void theFlightRecordingSamplesTheForwarderAndItsQueue() throws Exception {
        Path jfr = dir.resolve("mqtt.jfr");
        try (Mosquitto broker = Mosquitto.start(dir, "allow_anonymous true", "persistence false")) {
            Run run = Run.of("telemetry", "--duration", "1500ms", "--rate", "1000", "--framed-queue", "1MiB",
                    "--out", dir.toString(), "--no-chart", "--quiet", "--mqtt", broker.uri(), "--jfr", jfr.toString());
            assertEquals(Cli.OK, run.status, run.toString());
            Matcher result = RESULT.matcher(run.out);
            assertTrue(result.find(), run.out);
            long acknowledged = number(result.group(2));

            // Counters only grow, so each statistic's largest sample is its latest (the file's order
            // is the order buffers were flushed in).
            java.util.Map<String, Long> forwarder = new java.util.HashMap<>();
            long mqttQueueCommitted = -1;
            for (jdk.jfr.consumer.RecordedEvent event : jdk.jfr.consumer.RecordingFile.readAllEvents(jfr)) {
                String type = event.getEventType().getName();
                if (type.equals("dev.bbq.StatsSample") && event.getString("source").equals("forwarder")) {
                    assertEquals("mqtt.forwarder", event.getString("type"));
                    forwarder.merge(event.getString("stat"), event.getLong("value"), Math::max);
                } else if (type.equals("dev.bbq.QueueSample") && event.getString("queue").equals("mqtt")) {
                    mqttQueueCommitted = Math.max(mqttQueueCommitted, event.getLong("framesCommitted"));
                }
            }
            assertTrue(forwarder.get("framesAcknowledged") > 0 && forwarder.get("framesAcknowledged") <= acknowledged,
                    forwarder + " against " + acknowledged + " acknowledged");
            assertTrue(forwarder.get("framesPublished") >= forwarder.get("framesAcknowledged"), forwarder.toString());
            assertEquals(0L, forwarder.get("framesRejected"));
            assertTrue(mqttQueueCommitted > 0, "the MQTT queue is sampled too: " + mqttQueueCommitted);
        }
    }

    @Test
    void withoutABrokerTheLogGoesOnAndNothingCountsAsDelivered() throws Exception {
        int nobody = Mosquitto.freePort();
        long t0 = System.nanoTime();
        Run run = Run.of("telemetry", "--duration", "1500ms", "--rate", "1000", "--framed-queue", "1MiB",
                "--out", dir.toString(), "--no-chart", "--quiet", "--mqtt", "tcp://127.0.0.1:" + nobody,
                "--mqtt-queue", "16KiB", "--mqtt-drain", "500ms");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertEquals(Cli.INTEGRITY, run.status, run.toString());
        assertTrue(seconds < 20, "the run ends in its time plus the drain wait, not the network's: " + seconds + " s");
        Matcher sent = Pattern.compile("RESULT: FAILED\\. ([\\d,]+) frames sent, 0 delivered intact and in order; "
                + "([\\d,]+) dropped under overload and counted \\(device transmit buffer full: 0, framed queue full: 0, "
                + "MQTT queue full: ([\\d,]+)\\); ([\\d,]+) FRAMES NOT ACKNOWLEDGED by the broker when the run ended; "
                + "0 lost, 0 duplicated, 0 corrupted\\.").matcher(run.out);
        assertTrue(sent.find(), run.out);
        long records = number(sent.group(1));
        assertEquals(number(sent.group(2)), number(sent.group(3)), run.out);
        assertTrue(number(sent.group(3)) > 0, "1,500 records of some 200 bytes overflow 16 KiB\n" + run.out);
        assertEquals(records, number(sent.group(3)) + number(sent.group(4)), "each dropped or still queued\n" + run.out);
        Matcher mqtt = MQTT.matcher(run.out);
        assertTrue(mqtt.find(), run.out);
        assertEquals(0, number(mqtt.group(1)), "nothing published\n" + run.out);
        assertEquals(number(sent.group(3)), number(mqtt.group(4)), run.out);
        assertTrue(run.out.contains("failed attempts, last error: connect to tcp://127.0.0.1:" + nobody + " failed"),
                run.out);
        assertEquals(records, Files.readAllLines(dir.resolve("telemetry.jsonl")).size(),
                "the log has every record: the broker's absence does not touch it");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--mqtt 127.0.0.1:1883                          | --mqtt must be tcp://HOST:PORT or ssl://HOST:PORT",
        "--mqtt tcp://h:1883 --topic bbq/#              | --topic must be a topic to publish to",
        "--mqtt tcp://h:1883 --mqtt-user pi             | --mqtt-user and --mqtt-password-file go together",
        "--mqtt tcp://h:1883 --mqtt-user pi --mqtt-password-file /no/such | cannot read /no/such",
        "--mqtt tcp://h:1883 --mqtt-queue 100           | --mqtt-queue must be 1KiB to 1GiB",
        "--mqtt tcp://h:1883 --mqtt-queue 1KiB --readings 100 | cannot hold a record's message",
        "--mqtt-user pi                                 | need --mqtt URI",
        "--mqtt tcp://h:1883 --mqtt-batch 0             | --mqtt-batch must be 1 to 65535",
        "--mqtt tcp://h:1883 --mqtt-batch 5 --topic a/{kind} | exclude each other",
    })
    void badMqttOptionsAreOneLineWithStatus2(String args, String expected) {
        Run run = Run.of(("telemetry " + args.trim()).split("\\s+"));
        assertEquals(Cli.USAGE, run.status, run.toString());
        assertEquals(1, run.errLines().length, run.toString());
        assertTrue(run.err.contains(expected.trim()), run.err);
        assertEquals("", run.out, "nothing runs");
    }
}
