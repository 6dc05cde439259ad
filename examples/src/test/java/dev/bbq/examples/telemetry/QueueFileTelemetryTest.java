package dev.bbq.examples.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.QueueFileStatus;
import dev.bbq.examples.Await;
import dev.bbq.examples.BackgroundRun;
import dev.bbq.examples.Cli;
import dev.bbq.testing.pty.PtyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        Path file = dir.resolve("telemetry.bbq");
        PtyPair pty = PtyPair.start(dir); // the UART: telemetry-device on end a, the C driver on end b
        Path a = pty.a;
        Path b = pty.b;
        Process driver = null;
        try {
            BackgroundRun receiver = BackgroundRun.start("telemetry", "--queue-file", file.toString(), "--duration",
                    "60s", "--out", dir.resolve("out").toString(), "--no-chart");
            receiver.awaitOut("telemetry: queue file " + file, "the telemetry run created the queue file");

            Path log = dir.resolve("driver.log");
            driver = new ProcessBuilder(driverBinary.toString(), "--device", b.toString(), "--baud", "115200",
                    "--queue", file.toString(), "--check", "crc16").redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            Await.until(() -> status(file).isProducerHeld(), "the C driver took the producer half");

            DeviceRun device = DeviceRun.send(a, 115200, 1000);

            // The last bytes cross the pty and the driver: wait until every frame sent is in the
            // file (the test passes only if all arrive, so the count will get there or time out).
            long frames = device.frames();
            Await.until(() -> status(file).stats().framesCommitted() >= frames,
                    "the driver committed all " + frames + " frames the device sent");
            driver.destroy(); // SIGTERM: the driver closes its half, which ends the stream and the run
            assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, driver.exitValue(), Files.readString(log));
            assertEquals(Cli.OK, receiver.status(60), receiver.toString());
            String out = receiver.out();
            assertTrue(out.contains("RESULT: OK. " + device.sent + " frames delivered intact and in order; 0 lost, "
                    + "0 duplicated, 0 corrupted."), device.run.out + "\n" + Files.readString(log) + "\n" + out);
        } finally {
            if (driver != null) {
                driver.destroyForcibly();
            }
            pty.close();
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
}
