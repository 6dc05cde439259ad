package dev.bbq.examples.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.examples.BackgroundRun;
import dev.bbq.examples.Cli;
import dev.bbq.examples.Run;
import dev.bbq.testing.pty.PtyPair;
import java.nio.file.Path;
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
        try (PtyPair pty = PtyPair.start(dir)) { // the UART: telemetry-device on end a, the receiver on end b
            Path a = pty.a;
            Path b = pty.b;
            BackgroundRun receiver = BackgroundRun.start("telemetry", "--serial", b.toString(), "--baud", "921600",
                    "--duration", "6s", "--out", dir.resolve("out").toString(), "--no-chart");
            receiver.awaitOut("telemetry: serial port " + b, "the receiver opened its port");

            Run device = Run.of("telemetry-device", "--serial", a.toString(), "--baud", "921600", "--duration", "1s",
                    "--rate", "2000", "--sensors", "4", "--readings", "1-16");
            assertEquals(Cli.OK, device.status, device.toString());
            Matcher sent = Pattern.compile("telemetry-device: ([\\d,]+) frames sent on " + Pattern.quote(a.toString()))
                    .matcher(device.out);
            assertTrue(sent.find(), device.out);
            assertTrue(device.out.contains(", 0 damaged on purpose, 0 dropped"), device.out);

            assertEquals(Cli.OK, receiver.status(30), receiver.toString());
            String out = receiver.out();
            assertTrue(out.contains("RESULT: OK. " + sent.group(1) + " frames delivered intact and in order; 0 lost, "
                    + "0 duplicated, 0 corrupted."), device.out + "\n" + out);
            assertTrue(out.contains("latency (relative to the fastest record: the device has its own clock)"), out);
        }
    }
}
