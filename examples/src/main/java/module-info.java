/**
 * bbq's runnable examples, dispatched by {@link dev.bbq.examples.Main}: the telemetry pipeline
 * ({@code dev.bbq.examples.telemetry}), file streaming, request/response, SPI capture on Pi4J's mock
 * platform, a queue shared by two processes, and the pump tools for real serial, SPI and I2C
 * devices ({@code dev.bbq.examples.pumps}). The shaded jar runs them on the class path; this
 * descriptor documents and checks what each needs.
 */
module dev.bbq.examples {
    requires dev.bbq.core;
    requires dev.bbq.serial;
    requires dev.bbq.pi4j;
    requires dev.bbq.metrics;
    requires dev.bbq.mqtt;
    requires jdk.jfr;
    requires java.management;
    requires com.pi4j;
    requires com.pi4j.plugin.mock;
    requires info.picocli;
    requires org.knowm.xchart;
    requires HdrHistogram;
    requires java.desktop;

    // picocli sets the annotated option fields reflectively.
    opens dev.bbq.examples to info.picocli;
    opens dev.bbq.examples.telemetry to info.picocli;
    opens dev.bbq.examples.pumps to info.picocli;
}
