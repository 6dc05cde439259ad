package dev.bbq.examples.telemetry;

import dev.bbq.BBQueue;
import dev.bbq.metrics.QueueMetrics;
import dev.bbq.metrics.Registration;
import dev.bbq.metrics.StatsSource;
import dev.bbq.wire.Deframer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;

/**
 * The run's queues and deframer, published through bbq-metrics for {@code --jmx NAME} (MBeans
 * {@code dev.bbq:type=Queue,name=NAME.raw}, {@code ...,name=NAME.framed} and
 * {@code dev.bbq:type=Deframer,name=NAME}, for jconsole or JDK Mission Control while the run lasts)
 * and {@code --jfr FILE} (a flight recording of the whole run with {@code dev.bbq.QueueSample} and
 * {@code dev.bbq.StatsSample} every {@value #JFR_PERIOD_MILLIS} ms, written to FILE when it ends).
 */
final class RunMetrics implements AutoCloseable {
    static final int JFR_PERIOD_MILLIS = 250;

    private final List<Registration> registrations = new ArrayList<>();
    private final Recording recording;

    private RunMetrics(Recording recording) {
        this.recording = recording;
    }

    /**
     * Publishes what the options ask for; does nothing when neither {@code --jmx} nor {@code --jfr}
     * is given.
     */
    static RunMetrics open(String jmx, Path jfr, BBQueue raw, BBQueue framed, Deframer deframer, MqttLink mqtt)
            throws IOException {
        Recording recording = null;
        if (jfr != null) {
            recording = new Recording();
            recording.setName("bbq telemetry");
            recording.enable("dev.bbq.QueueSample").withPeriod(Duration.ofMillis(JFR_PERIOD_MILLIS));
            recording.enable("dev.bbq.StatsSample").withPeriod(Duration.ofMillis(JFR_PERIOD_MILLIS));
            recording.setDestination(jfr.toAbsolutePath());
            recording.setToDisk(true);
        }
        RunMetrics metrics = new RunMetrics(recording);
        try {
            if (jmx != null) {
                if (raw != null) {
                    metrics.registrations.add(QueueMetrics.registerMBean(objectName("Queue", jmx + ".raw"), raw));
                }
                metrics.registrations.add(QueueMetrics.registerMBean(objectName("Queue", jmx + ".framed"), framed));
                if (deframer != null) {
                    metrics.registrations.add(QueueMetrics.registerMBean(objectName("Deframer", jmx),
                            StatsSource.deframer(deframer)));
                }
                if (mqtt != null) {
                    metrics.registrations.add(QueueMetrics.registerMBean(objectName("Queue", jmx + ".mqtt"), mqtt.queue()));
                    metrics.registrations.add(QueueMetrics.registerMBean(objectName("Forwarder", jmx), mqtt.statsSource()));
                }
            }
            if (recording != null) {
                if (raw != null) {
                    metrics.registrations.add(QueueMetrics.recordJfr("raw", raw));
                }
                metrics.registrations.add(QueueMetrics.recordJfr("framed", framed));
                if (deframer != null) {
                    metrics.registrations.add(QueueMetrics.recordJfr("deframer", StatsSource.deframer(deframer)));
                }
                if (mqtt != null) {
                    metrics.registrations.add(QueueMetrics.recordJfr("mqtt", mqtt.queue()));
                    metrics.registrations.add(QueueMetrics.recordJfr("forwarder", mqtt.statsSource()));
                }
                recording.start();
            }
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
        return metrics;
    }

    /** The MBean name for a component: the NAME given to {@code --jmx}, quoted if need be. */
    static String objectName(String type, String name) {
        boolean plain = name.matches("[A-Za-z0-9._-]+");
        return "dev.bbq:type=" + type + ",name=" + (plain ? name : javax.management.ObjectName.quote(name));
    }

    /** Stops and writes the recording (if any), then withdraws the MBeans and the samplers. */
    @Override
    public void close() {
        try {
            if (recording != null) {
                try {
                    if (recording.getState() == jdk.jfr.RecordingState.RUNNING) {
                        recording.stop(); // writes the recording to its destination
                    }
                } finally {
                    recording.close();
                }
            }
        } finally {
            for (Registration registration : registrations) {
                registration.close();
            }
        }
    }
}
