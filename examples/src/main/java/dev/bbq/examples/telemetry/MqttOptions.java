package dev.bbq.examples.telemetry;

import dev.bbq.BBQueue;
import dev.bbq.examples.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The telemetry demo's MQTT options ({@code --mqtt URI} and the rest): a mixin of its own, so that the
 * forwarding stays out of the way of the pipeline's other options. See {@link MqttLink}.
 */
final class MqttOptions {
    @Option(names = "--mqtt", paramLabel = "URI",
            description = "Also forward every valid record to this MQTT broker (bbq-mqtt, QoS 1), for example "
                    + "tcp://127.0.0.1:1883, or ssl://host:8883 (TLS with the JVM's trust store). Each record is "
                    + "one message: its log line as JSON. A record counts as delivered only once the broker "
                    + "acknowledged it.")
    String uri;

    @Option(names = "--topic", defaultValue = "bbq/telemetry", paramLabel = "TOPIC",
            description = "MQTT topic to publish to (default: ${DEFAULT-VALUE}). {kind} in it becomes the "
                    + "record's sensor kind, for example bbq/telemetry/{kind} for a topic per kind.")
    String topic;

    @Option(names = "--mqtt-client-id", paramLabel = "ID",
            description = "MQTT client id (default: bbq-telemetry- and this process's id). Two clients with the "
                    + "same id throw each other off the broker.")
    String clientId;

    @Option(names = "--mqtt-user", paramLabel = "USER",
            description = "MQTT user name; the password comes from --mqtt-password-file.")
    String user;

    @Option(names = "--mqtt-password-file", paramLabel = "FILE",
            description = "File whose first line is the MQTT password (kept out of the command line, which "
                    + "other users can see in ps).")
    Path passwordFile;

    @Option(names = "--mqtt-queue", defaultValue = "1MiB", converter = Cli.SizeConverter.class, paramLabel = "SIZE",
            description = "Capacity of the queue between the consumer and the MQTT forwarder (default: "
                    + "${DEFAULT-VALUE}): what is kept while the broker is away. When it is full, records are "
                    + "dropped and counted; the pipeline never waits for the network.")
    long queue;

    @Option(names = "--mqtt-batch", defaultValue = "1", paramLabel = "N",
            description = "Up to N records per MQTT message, 1 to 65535 (default: ${DEFAULT-VALUE}, one record "
                    + "per message as its JSON line). Above 1 every message is a batch in bbq-mqtt's BatchPayload "
                    + "format (docs/mqtt.md): one broker round trip per batch, each record still kept until its "
                    + "batch was acknowledged.")
    int batch;

    @Option(names = "--mqtt-drain", defaultValue = "10s", converter = Cli.DurationConverter.class, paramLabel = "TIME",
            description = "At the end, how long to wait for the broker to acknowledge what is still queued "
                    + "(default: ${DEFAULT-VALUE}); what remains then counts as not delivered.")
    Duration drain;

    /**
     * Checks the MQTT options; says what is wrong in one line.
     *
     * @param maxRecordLength the longest record the pipeline takes, which sets the longest message
     */
    void validate(CommandSpec spec, int maxRecordLength) {
        if (uri == null) {
            if (user != null || passwordFile != null || clientId != null) {
                throw Cli.badValue(spec, "--mqtt-user, --mqtt-password-file and --mqtt-client-id need --mqtt URI");
            }
            return;
        }
        if (!uri.matches("(tcp|ssl)://[^/:\\s]+(:\\d{1,5})?")) {
            throw Cli.badValue(spec, "--mqtt must be tcp://HOST:PORT or ssl://HOST:PORT: '" + uri + "'");
        }
        if (topic.isEmpty() || topic.contains("#") || topic.contains("+")) {
            throw Cli.badValue(spec, "--topic must be a topic to publish to, without wildcards (+, #): '" + topic + "'");
        }
        if (batch < 1 || batch > 65_535) {
            throw Cli.badValue(spec, "--mqtt-batch must be 1 to 65535");
        }
        if (batch > 1 && topic.contains("{kind}")) {
            throw Cli.badValue(spec, "--mqtt-batch and a {kind} topic exclude each other: a batch has one topic");
        }
        if (clientId != null && clientId.isEmpty()) {
            throw Cli.badValue(spec, "--mqtt-client-id must not be empty");
        }
        if ((user == null) != (passwordFile == null)) {
            throw Cli.badValue(spec, "--mqtt-user and --mqtt-password-file go together");
        }
        if (passwordFile != null && !Files.isReadable(passwordFile)) {
            throw Cli.badValue(spec, "--mqtt-password-file: cannot read " + passwordFile);
        }
        if (queue < 1024 || queue > 1 << 30) {
            throw Cli.badValue(spec, "--mqtt-queue must be 1KiB to 1GiB");
        }
        int longest = MqttLink.maxMessageLength(maxRecordLength);
        if (BBQueue.maxFrameLength((int) queue) < longest) {
            throw Cli.badValue(spec, "--mqtt-queue of " + queue + " bytes cannot hold a record's message of up to "
                    + longest + " bytes: make it larger");
        }
    }

    /** @return the client id to use: the given one, or one made from this process's id */
    String clientId() {
        return clientId != null ? clientId : "bbq-telemetry-" + ProcessHandle.current().pid();
    }

    /** @return the password's characters: the first line of the password file */
    char[] password() throws IOException {
        List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
        return lines.isEmpty() ? new char[0] : lines.get(0).toCharArray();
    }
}
