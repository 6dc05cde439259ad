package dev.bbq.testing.pty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts socat with its log in the test's directory and waits until every link it was asked for
 * exists: socat makes them a moment after it starts, and a test that opens one earlier fails with a
 * missing file instead of the error it was written to find.
 */
final class Socat {
    /** Time socat gets to make its links; a loaded build machine needs seconds, not milliseconds. */
    static final long LINK_TIMEOUT_SECONDS = 20;

    private Socat() {
    }

    static Process start(Path dir, List<Path> links, String... addresses) throws IOException, InterruptedException {
        Path log = dir.resolve("socat.log");
        List<String> command = new ArrayList<>(List.of("socat", "-d", "-d"));
        command.addAll(List.of(addresses));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot start socat (Debian package socat; .ci/run installs it): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LINK_TIMEOUT_SECONDS);
        while (!links.stream().allMatch(Files::exists)) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                stop(process);
                throw new IOException("socat did not create " + links + ": " + Files.readString(log));
            }
            Thread.sleep(10);
        }
        return process;
    }

    /** SIGTERM, then SIGKILL if socat has not gone within 10 s; returns once it has gone. */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
