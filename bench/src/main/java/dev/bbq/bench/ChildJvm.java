package dev.bbq.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM that runs one side of a measurement, driven by lines: commands on its standard input,
 * answers on its standard output. Its standard error goes to this JVM's, so a child's failure shows
 * above the parent's "stopped answering". {@link Paired}'s and {@link Pipeline}'s candidates and
 * {@link Ipc}'s consumer each run in one.
 */
final class ChildJvm implements AutoCloseable {
    /** This JVM's own launcher: the children's default, so parent and children run the same JDK. */
    static final String JAVA = Paths.get(System.getProperty("java.home"), "bin", "java").toString();

    private final String name;
    private final Process process;
    private final BufferedReader answers;
    private final PrintWriter commands;

    /**
     * Starts {@code jvm jvmArgs -cp classPath main args}; {@code name} stands for the child in
     * failure messages.
     */
    ChildJvm(String name, String jvm, List<String> jvmArgs, String classPath, Class<?> main, String... args)
            throws IOException {
        this.name = name;
        List<String> command = new ArrayList<>();
        command.add(jvm);
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Sends one command line. */
    void send(String command) {
        commands.println(command);
    }

    /**
     * Reads answers up to the first line that starts with one of the prefixes, skipping what an agent
     * (a profiler from JAVA_TOOL_OPTIONS) may print first; returns that whole line.
     */
    String expect(String... prefixes) throws IOException {
        while (true) {
            String line = answers.readLine();
            if (line == null) {
                throw new IllegalStateException(name + " stopped answering (its error output is above)");
            }
            for (String prefix : prefixes) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }
    }

    /** Waits for a child that ends by itself; returns its exit status. */
    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** Asks the child to quit; kills it if it has not gone within 30 s. */
    @Override
    public void close() throws InterruptedException {
        commands.println("quit");
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
