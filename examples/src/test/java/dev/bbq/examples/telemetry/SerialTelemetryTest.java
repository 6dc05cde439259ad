package dev.bbq.examples.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.examples.Cli;
import dev.bbq.examples.Main;
import dev.bbq.examples.Run;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code telemetry --serial} receiving from {@code telemetry-device} through a pair of
 * pseudo-terminals made by socat (Debian package socat), as two UARTs wired TX to RX: the real
 * jSerialComm port, SerialPump, SerialSink and deframer, with no hardware.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SerialTelemetryTest {
    @TempDir
    Path dir;

    @Test
    void everyFrameTheDeviceSendsOnTheLineArrives() throws Exception {
        Path a = dir.resolve("ttyA");
        Path b = dir.resolve("ttyB");
        Process socat = new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        try {
            awaitTrue(() -> Files.exists(a) && Files.exists(b), "socat made " + a + " and " + b);
            ByteArrayOutputStream receiverOut = new ByteArrayOutputStream(); // synchronized: polled below
            ByteArrayOutputStream receiverErr = new ByteArrayOutputStream();
            CompletableFuture<Integer> receiver = CompletableFuture.supplyAsync(() -> Main.run(
                    new PrintStream(receiverOut, true, StandardCharsets.UTF_8),
                    new PrintStream(receiverErr, true, StandardCharsets.UTF_8),
                    "telemetry", "--serial", b.toString(), "--baud", "921600", "--duration", "6s",
                    "--out", dir.resolve("out").toString(), "--no-chart"));
            awaitTrue(() -> receiverOut.toString(StandardCharsets.UTF_8).contains("telemetry: serial port " + b),
                    "the receiver opened its port");

            Run device = Run.of("telemetry-device", "--serial", a.toString(), "--baud", "921600", "--duration", "1s",
                    "--rate", "2000", "--sensors", "4", "--readings", "1-16");
            assertEquals(Cli.OK, device.status, device.toString());
            Matcher sent = Pattern.compile("telemetry-device: ([\\d,]+) frames sent on " + Pattern.quote(a.toString()))
                    .matcher(device.out);
            assertTrue(sent.find(), device.out);
            assertTrue(device.out.contains(", 0 damaged on purpose, 0 dropped"), device.out);

            assertEquals(Cli.OK, receiver.get(30, TimeUnit.SECONDS), receiverOut + "\n" + receiverErr);
            String out = receiverOut.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("RESULT: OK. " + sent.group(1) + " frames delivered intact and in order; 0 lost, "
                    + "0 duplicated, 0 corrupted."), device.out + "\n" + out);
            assertTrue(out.contains("latency (relative to the fastest record: the device has its own clock)"), out);
        } finally {
            socat.destroy();
            socat.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
