package dev.bbq.examples.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.examples.Cli;
import dev.bbq.examples.Run;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One second of {@code telemetry-device} (4 sensors, 1 to 16 readings) on a serial port, which must succeed. */
final class DeviceRun {
    /** The run, for its output in failure messages. */
    final Run run;
    /** The frames it says it sent, as printed (with thousands separators): the receiver's RESULT line repeats it. */
    final String sent;

    private DeviceRun(Run run, String sent) {
        this.run = run;
        this.sent = sent;
    }

    static DeviceRun send(Path port, int baud, int rate) {
        Run run = Run.of("telemetry-device", "--serial", port.toString(), "--baud", Integer.toString(baud),
                "--duration", "1s", "--rate", Integer.toString(rate), "--sensors", "4", "--readings", "1-16");
        assertEquals(Cli.OK, run.status, run.toString());
        Matcher sent = Pattern.compile("telemetry-device: ([\\d,]+) frames sent on " + Pattern.quote(port.toString()))
                .matcher(run.out);
        assertTrue(sent.find(), run.out);
        return new DeviceRun(run, sent.group(1));
    }

    long frames() {
        return Long.parseLong(sent.replace(",", ""));
    }
}
