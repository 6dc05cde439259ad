package dev.bbq.examples;

import dev.bbq.CorruptQueueFileException;
import dev.bbq.QueueFileStatus;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inspect FILE [--watch]}: prints a queue file's header, mode, fill, indices, each half's
 * holder and whether it is held, and the counters, from any process and without taking a half
 * ({@link QueueFileStatus}); with {@code --watch}, every second until interrupted, as Aeron's
 * {@code AeronStat} does.
 */
@Command(name = "inspect", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Prints a queue file's state: mode, indices and fill, each half's holder and whether it is "
                + "held now, restarts, frames cut by a death, and the counters. Takes no half, writes nothing.", ""})
public final class Inspect implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The queue file.")
    Path file;

    @Option(names = "--watch", description = "Print again every interval until interrupted (Ctrl-C).")
    boolean watch;

    @Option(names = "--interval", defaultValue = "1s", converter = Cli.DurationConverter.class, paramLabel = "TIME",
            description = "How often --watch prints (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--count", defaultValue = "0", paramLabel = "N",
            description = "With --watch, stop after N prints (default: until interrupted).")
    int count;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (int printed = 1; ; printed++) {
            QueueFileStatus status;
            try {
                status = QueueFileStatus.read(file);
            } catch (NoSuchFileException e) {
                throw new Cli.Failure("no queue file " + file, Cli.FAILED);
            } catch (CorruptQueueFileException e) {
                throw new Cli.Failure(Cli.oneLineMessage(e), Cli.FAILED);
            } catch (IOException e) {
                throw new Cli.Failure("cannot read " + file + ": " + Cli.oneLineMessage(e), Cli.FAILED);
            }
            out.println(status);
            out.flush();
            if (!watch || (count > 0 && printed >= count)) {
                return Cli.OK;
            }
            Thread.sleep(interval.toMillis());
        }
    }
}
