package dev.bbq.examples.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.QueueFileStatus;
import dev.bbq.examples.Cli;
import dev.bbq.examples.Main;
import dev.bbq.examples.Run;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code telemetry --queue-file} fed by the C driver {@code examples/c/serial_driver.c}, built here
 * with gcc: {@code telemetry-device} writes COBS frames into one end of a socat pseudo-terminal
 * pair, the C driver reads the other end, deframes and writes the records into the queue file, and
 * this JVM's telemetry run consumes them. Every record arrives intact and in order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QueueFileTelemetryTest {
    @TempDir
    Path dir;

    @Test
    void recordsFromTheCDriverReachTheTelemetryConsumer() throws Exception {
        Path driverBinary = buildDriver();
        Path a = dir.resolve("ttyA");
        Path b = dir.resolve("ttyB");
        Path file = dir.resolve("telemetry.bbq");
        Process socat = new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        Process driver = null;
        try {
            awaitTrue(() -> Files.exists(a) && Files.exists(b), "socat made " + a + " and " + b);
            ByteArrayOutputStream receiverOut = new ByteArrayOutputStream(); // synchronized: polled below
            ByteArrayOutputStream receiverErr = new ByteArrayOutputStream();
            CompletableFuture<Integer> receiver = CompletableFuture.supplyAsync(() -> Main.run(
                    new PrintStream(receiverOut, true, StandardCharsets.UTF_8),
                    new PrintStream(receiverErr, true, StandardCharsets.UTF_8),
                    "telemetry", "--queue-file", file.toString(), "--duration", "60s",
                    "--out", dir.resolve("out").toString(), "--no-chart"));
            awaitTrue(() -> receiverOut.toString(StandardCharsets.UTF_8).contains("telemetry: queue file " + file),
                    "the telemetry run created the queue file");

            Path log = dir.resolve("driver.log");
            driver = new ProcessBuilder(driverBinary.toString(), "--device", b.toString(), "--baud", "115200",
                    "--queue", file.toString(), "--check", "crc16").redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            awaitTrue(() -> status(file).isProducerHeld(), "the C driver took the producer half");

            Run device = Run.of("telemetry-device", "--serial", a.toString(), "--baud", "115200", "--duration", "1s",
                    "--rate", "1000", "--sensors", "4", "--readings", "1-16");
            assertEquals(Cli.OK, device.status, device.toString());
            Matcher sent = Pattern.compile("telemetry-device: ([\\d,]+) frames sent on " + Pattern.quote(a.toString()))
                    .matcher(device.out);
            assertTrue(sent.find(), device.out);

            // The last bytes cross the pty and the driver: wait until every frame sent is in the
            // file (the test passes only if all arrive, so the count will get there or time out).
            long frames = Long.parseLong(sent.group(1).replace(",", ""));
            awaitTrue(() -> status(file).stats().framesCommitted() >= frames,
                    "the driver committed all " + frames + " frames the device sent");
            driver.destroy(); // SIGTERM: the driver closes its half, which ends the stream and the run
            assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, driver.exitValue(), Files.readString(log));
            assertEquals(Cli.OK, receiver.get(60, TimeUnit.SECONDS), receiverOut + "\n" + receiverErr);
            String out = receiverOut.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("RESULT: OK. " + sent.group(1) + " frames delivered intact and in order; 0 lost, "
                    + "0 duplicated, 0 corrupted."), device.out + "\n" + Files.readString(log) + "\n" + out);
        } finally {
            if (driver != null) {
                driver.destroyForcibly();
            }
            socat.destroy();
            socat.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Compiles examples/c/serial_driver.c against bbq-c/include with the project's C warning flags. */
    private Path buildDriver() throws IOException, InterruptedException {
        Path examples = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        Path binary = examples.resolve("target/serial_driver");
        Files.createDirectories(binary.getParent());
        List<String> gcc = List.of("gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-I",
                examples.resolve("../bbq-c/include").normalize().toString(), "-o", binary.toString(),
                examples.resolve("c/serial_driver.c").toString());
        Process process = new ProcessBuilder(gcc).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "gcc failed: " + output);
        return binary;
    }

    private static QueueFileStatus status(Path file) {
        try {
            return QueueFileStatus.read(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
