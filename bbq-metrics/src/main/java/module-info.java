/**
 * A queue's health for monitoring: {@link dev.bbq.metrics.QueueMetrics} exposes any
 * {@link dev.bbq.BBQueue}'s statistics, and any other counters described by a
 * {@link dev.bbq.metrics.StatsSource} (a deframer's, a pump's, a forwarder's), as a JMX MXBean, as
 * Micrometer meters and as JDK Flight Recorder events. Micrometer is optional: JMX and JFR need only
 * the JDK.
 */
module dev.bbq.metrics {
    requires transitive dev.bbq.core;
    requires java.management;
    requires jdk.jfr;
    // Micrometer's jar is an automatic module under this name (Automatic-Module-Name in its manifest).
    requires static micrometer.core;

    exports dev.bbq.metrics;
}
