package dev.bbq.examples;

import dev.bbq.examples.pumps.I2cPumpCommand;
import dev.bbq.examples.pumps.SerialPumpCommand;
import dev.bbq.examples.pumps.SpiPumpCommand;
import dev.bbq.examples.telemetry.TelemetryCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The examples jar's entry point: {@code java -jar bbq-examples.jar COMMAND [OPTIONS]}, one
 * subcommand per example. {@code --help} on any of them explains every option; a bad option is one
 * line on stderr with exit status 2.
 */
@Command(name = "bbq-examples", mixinStandardHelpOptions = true, version = "bbq examples 0.1.0-SNAPSHOT",
        description = "Runnable examples of bbq, a bipartite lock-free SPSC byte queue with contiguous grants.",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'java -jar bbq-examples.jar COMMAND --help' for a command's options."})
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /**
     * Runs a command and exits with its status.
     *
     * @param args the command and its options
     */
    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /**
     * Runs a command.
     *
     * @param out standard output
     * @param err standard error
     * @param args the command and its options
     * @return the exit status: 0 success, 1 failure, 2 bad command line, 3 frames lost or corrupted
     */
    public static int run(PrintStream out, PrintStream err, String... args) {
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand("telemetry", new TelemetryCommand());
        cl.addSubcommand("telemetry-device", new dev.bbq.examples.telemetry.TelemetryDeviceCommand());
        cl.addSubcommand("file-streaming", new FileStreaming());
        cl.addSubcommand("request-response", new RequestResponse());
        cl.addSubcommand("spi-capture", new SpiCapture());
        cl.addSubcommand("ipc-producer", new IpcProducer());
        cl.addSubcommand("ipc-consumer", new IpcConsumer());
        cl.addSubcommand("inspect", new Inspect());
        cl.addSubcommand("serial-pump", new SerialPumpCommand());
        cl.addSubcommand("spi-pump", new SpiPumpCommand());
        cl.addSubcommand("i2c-pump", new I2cPumpCommand());
        Cli.configure(cl, o, e);
        try {
            return cl.execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    /** Without a command: the list of commands, on stderr, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Cli.USAGE;
    }
}
