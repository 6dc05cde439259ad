package dev.bbq.examples.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.examples.Cli;
import dev.bbq.examples.Run;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code telemetry --sensor-threads N}: several sensor threads into one framed queue through a shared producer. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SensorThreadsTest {
    private static final Pattern EXACT = Pattern.compile(
            "RESULT: OK\\. ([\\d,]+) frames sent, ([\\d,]+) delivered intact and in order(.*); 0 lost, 0 duplicated, "
                    + "0 corrupted\\.");
    private static final Pattern DROPPED = Pattern.compile("; ([\\d,]+) dropped under overload and counted");

    @TempDir
    Path dir;

    private static long number(String s) {
        return Long.parseLong(s.replace(",", ""));
    }

    @Test
    void fourSensorThreadsDeliverEveryRecordInEachSensorsOrder() {
        Run run = Run.of("telemetry", "--sensor-threads", "4", "--duration", "1500ms", "--rate", "2000",
                "--framed-queue", "1MiB", "--out", dir.toString(), "--no-chart", "--quiet");
        assertEquals(Cli.OK, run.status, run.toString());
        assertTrue(run.out.contains("4 sensor threads in this process writing into one shared producer"), run.out);
        Matcher m = EXACT.matcher(run.out);
        assertTrue(m.find(), run.out);
        assertTrue(number(m.group(1)) > 0, run.out);
        assertEquals(number(m.group(1)), number(m.group(2)), "every record delivered\n" + run.out);
        assertTrue(run.out.contains(" 0 sequence gaps, 0 duplicates"), "each sensor's records in order\n" + run.out);
    }

    @Test
    void underOverloadEveryRecordIsDeliveredOrCountedAsDropped() {
        Run run = Run.of("telemetry", "--sensor-threads", "3", "--duration", "1s", "--rate", "200000",
                "--framed-queue", "1KiB", "--out", dir.toString(), "--no-chart", "--quiet", "--log-format", "none");
        assertEquals(Cli.OK, run.status, run.toString());
        Matcher m = EXACT.matcher(run.out);
        assertTrue(m.find(), run.out);
        Matcher dropped = DROPPED.matcher(m.group(3));
        long drops = dropped.find() ? number(dropped.group(1)) : 0;
        assertEquals(number(m.group(1)), number(m.group(2)) + drops, "sent = delivered + dropped\n" + run.out);
        assertTrue(run.out.contains(String.format(Locale.ROOT, "%,d frames dropped", drops)),
                "the queue counted the same drops\n" + run.out);
    }

    @Test
    void sensorThreadsExcludeRealDevicesAndAreBounded() {
        assertEquals(Cli.USAGE, Run.of("telemetry", "--sensor-threads", "2", "--serial", "/dev/null").status);
        assertEquals(Cli.USAGE, Run.of("telemetry", "--sensor-threads", "65").status);
        assertEquals(Cli.USAGE, Run.of("telemetry", "--sensor-threads", "-1").status);
    }
}
