package dev.bbq.examples.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.examples.BackgroundRun;
import dev.bbq.examples.Cli;
import dev.bbq.testing.pty.PtyPair;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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

            DeviceRun device = DeviceRun.send(a, 921600, 2000);
            assertTrue(device.run.out.contains(", 0 damaged on purpose, 0 dropped"), device.run.out);

            assertEquals(Cli.OK, receiver.status(30), receiver.toString());
            String out = receiver.out();
            assertTrue(out.contains("RESULT: OK. " + device.sent + " frames delivered intact and in order; 0 lost, "
                    + "0 duplicated, 0 corrupted."), device.run.out + "\n" + out);
            assertTrue(out.contains("latency (relative to the fastest record: the device has its own clock)"), out);
        }
    }
}
