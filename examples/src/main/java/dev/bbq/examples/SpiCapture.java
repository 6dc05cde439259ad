package dev.bbq.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spi-capture}: bbq-pi4j's SPI pump on Pi4J's mock platform, no hardware needed. The options
 * live here and the Pi4J code in {@link SpiCaptureRun}, which is loaded only after the JVM has been
 * checked: Pi4J 3 is Java 21 class files, and this jar also runs on Java 17.
 */
@Command(name = "spi-capture", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"SPI capture on Pi4J's mock platform (no hardware): a simulated sensor puts each packet into "
                + "the mock SPI device and raises a data-ready GPIO; bbq-pi4j's SpiPump, woken by that line, clocks "
                + "the packet straight into a frame grant of a framed queue; the main thread reads and checks the "
                + "frames. Needs Java 21 (Pi4J 3).", ""})
public final class SpiCapture implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--packets", defaultValue = "1000", paramLabel = "N",
            description = "Packets to capture, 1 to 1000000 (default: ${DEFAULT-VALUE}).")
    int packets;

    @Option(names = "--packet-size", defaultValue = "32", paramLabel = "BYTES",
            description = "Bytes per packet, 8 to 4096 (default: ${DEFAULT-VALUE}).")
    int packetSize;

    @Override
    public Integer call() throws Exception {
        if (packets < 1 || packets > 1_000_000) {
            throw Cli.badValue(spec, "--packets must be 1 to 1000000");
        }
        if (packetSize < 8 || packetSize > 4096) {
            throw Cli.badValue(spec, "--packet-size must be 8 to 4096");
        }
        Cli.requirePi4jRuntime("the SPI capture example");
        return SpiCaptureRun.run(packets, packetSize, spec.commandLine().getOut());
    }
}
