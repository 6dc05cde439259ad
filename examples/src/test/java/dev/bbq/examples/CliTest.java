package dev.bbq.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line shared by every example: dispatch, help, sizes, durations, one-line errors. */
class CliTest {
    @Test
    void sizesAcceptBytesAndBinaryUnits() {
        assertEquals(65536, Cli.parseSize("65536"));
        assertEquals(64 * 1024, Cli.parseSize("64KiB"));
        assertEquals(64 * 1024, Cli.parseSize("64k"));
        assertEquals(16L << 20, Cli.parseSize("16MiB"));
        assertEquals(2L << 20, Cli.parseSize("2m"));
        assertEquals(1L << 30, Cli.parseSize("1GiB"));
        assertThrows(IllegalArgumentException.class, () -> Cli.parseSize("lots"));
        assertThrows(IllegalArgumentException.class, () -> Cli.parseSize("-1"));
        assertThrows(IllegalArgumentException.class, () -> Cli.parseSize("99999999999999999GiB"));
    }

    @Test
    void durationsAcceptSecondsByDefaultAndUnits() {
        assertEquals(Duration.ofSeconds(10), Cli.parseDuration("10"));
        assertEquals(Duration.ofSeconds(10), Cli.parseDuration("10s"));
        assertEquals(Duration.ofMillis(500), Cli.parseDuration("500ms"));
        assertEquals(Duration.ofMinutes(2), Cli.parseDuration("2m"));
        assertEquals(Duration.ofMillis(1500), Cli.parseDuration("1.5s"));
        assertEquals(Duration.ofHours(1), Cli.parseDuration("1h"));
        assertThrows(IllegalArgumentException.class, () -> Cli.parseDuration("soon"));
        assertThrows(IllegalArgumentException.class, () -> Cli.parseDuration("-3s"));
    }

    @Test
    void withoutACommandTheCommandsAreListedAsAUsageError() {
        Run run = Run.of();
        assertEquals(Cli.USAGE, run.status, run.toString());
        for (String command : new String[] {"telemetry", "telemetry-device", "file-streaming", "request-response",
                "spi-capture", "ipc-producer", "ipc-consumer", "serial-pump", "spi-pump", "i2c-pump"}) {
            assertTrue(run.err.contains(command), command + " listed\n" + run);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"telemetry", "telemetry-device", "file-streaming", "request-response", "spi-capture",
            "ipc-producer", "ipc-consumer", "serial-pump", "spi-pump", "i2c-pump"})
    void everyCommandHasHelp(String command) {
        Run run = Run.of(command, "--help");
        assertEquals(Cli.OK, run.status, run.toString());
        assertTrue(run.out.startsWith("Usage: bbq-examples " + command), run.out);
        assertEquals("", run.err);
    }

    @Test
    void anUnknownCommandIsOneLineAndStatus2() {
        Run run = Run.of("telemetri");
        assertEquals(Cli.USAGE, run.status);
        assertEquals(1, run.errLines().length, run.toString());
    }

    @Test
    void pi4jNeedsJava21AndSaysSoInOneLine() {
        Cli.Failure f = assertThrows(Cli.Failure.class, () -> Cli.requirePi4jRuntime("--spi", 17));
        assertEquals("--spi needs Java 21 or newer (Pi4J 3); this is Java 17", f.getMessage());
        assertEquals(Cli.FAILED, f.status());
        Cli.requirePi4jRuntime("--spi", 21);
    }
}
