package dev.bbq.c;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds the C test programs with gcc, once per JVM and flag set, into {@code target/c}, and runs
 * them. The warnings gate of the C code is here: {@code -std=c11 -Wall -Wextra -Werror}.
 */
final class CPrograms {
    static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    static final Path SOURCES = MODULE.resolve("src/test/c");
    static final Path INCLUDE = MODULE.resolve("include");
    static final Path OUT = MODULE.resolve("target/c");

    static final List<String> STRICT = List.of("-std=c11", "-Wall", "-Wextra", "-Werror", "-O2");

    private static final Map<String, Path> BUILT = new HashMap<>();

    private CPrograms() {
    }

    /** The peer program (bbq_peer.c), built with the project's warning flags. */
    static Path peer() throws IOException, InterruptedException {
        return build("bbq_peer", "peer", List.of());
    }

    /**
     * Builds {@code source} with the strict flags plus {@code extra}, as {@code target/c/<name>};
     * a compiler error fails the test with gcc's output.
     */
    static Path build(String source, String name, List<String> extra) throws IOException, InterruptedException {
        return build(SOURCES.resolve(source + ".c"), name, extra);
    }

    /** The example driver {@code examples/c/serial_driver.c}, built with the same flags. */
    static Path serialDriver() throws IOException, InterruptedException {
        return build(MODULE.resolve("../examples/c/serial_driver.c").normalize(), "serial_driver", List.of());
    }

    static synchronized Path build(Path source, String name, List<String> extra) throws IOException, InterruptedException {
        Path built = BUILT.get(name);
        if (built != null) {
            return built;
        }
        Files.createDirectories(OUT);
        Path binary = OUT.resolve(name);
        List<String> command = new ArrayList<>(List.of("gcc"));
        command.addAll(STRICT);
        command.addAll(extra);
        command.addAll(List.of("-I", INCLUDE.toString(), "-o", binary.toString(), source.toString()));
        command.add("-pthread"); // bbq_selftest's threads; harmless for the others
        Result result = run(command, 300);
        if (result.exit != 0) {
            throw new AssertionError("gcc failed (" + String.join(" ", command) + "):\n" + result.output);
        }
        BUILT.put(name, binary);
        return binary;
    }

    /** A finished process: exit status and its merged output. */
    static final class Result {
        final int exit;
        final String output;

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + exit + ":\n" + output;
        }
    }

    /** Runs {@code command} to its end (at most {@code timeoutSeconds}), output and errors merged. */
    static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process process = start(command);
        return finish(process, timeoutSeconds);
    }

    /**
     * Starts {@code command} with its output going to {@code log}: for a process the test ends with
     * a signal, since {@code Process.destroy()} closes the pipes of a process it stops.
     */
    static Process startLogged(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    static Result finish(Process process, long timeoutSeconds) throws IOException, InterruptedException {
        // Output is read on a thread of its own so that a chatty program never blocks on a full pipe.
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("(output lost: ").append(e).append(')');
            }
        });
        reader.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            reader.join();
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + process.info().commandLine().orElse("")
                    + "\n" + output);
        }
        reader.join();
        return new Result(process.exitValue(), output.toString());
    }

    static List<String> command(Path program, Object... args) {
        List<String> command = new ArrayList<>(List.of(program.toString()));
        for (Object arg : args) {
            command.add(String.valueOf(arg));
        }
        return command;
    }
}
