package dev.bbq.examples.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * docs/systemd/bbq-telemetry.service: {@code systemd-analyze verify} accepts it without a warning,
 * and its command line is one this jar and a JVM accept.
 *
 * <p>{@code systemd-analyze} comes with Debian's {@code systemd} package. Without it the verify test
 * is skipped with the reason printed (a developer machine without systemd); CI installs the package
 * so that the test runs there.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SystemdUnitTest {
    private static final Path UNIT = Path.of("..", "docs", "systemd", "bbq-telemetry.service");
    private static final String JAR = "/opt/bbq/bbq-examples.jar";

    @TempDir
    Path dir;

    private String unit;

    @BeforeEach
    void read() throws IOException {
        unit = Files.readString(UNIT, StandardCharsets.UTF_8);
    }

    @Test
    void systemdAnalyzeVerifiesTheUnitWithoutWarnings() throws Exception {
        Path analyze = Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (analyze == null) {
            String reason = "systemd-analyze not found (Debian package systemd): " + UNIT + " not verified";
            System.err.println("SystemdUnitTest: " + reason);
            Assumptions.abort(reason);
        }
        // verify checks that ExecStart's program exists and is executable, so /usr/bin/java becomes
        // the java of this JVM (a JDK need not be installed as /usr/bin/java where the tests run).
        // Nothing else is substituted: verify does not look up User= or SupplementaryGroups= (the
        // bbq user and the Pi's spi, i2c and gpio groups need not exist here), nor the jar, nor
        // WorkingDirectory= (created by StateDirectory= at start).
        String javaHere = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertTrue(unit.contains("ExecStart=/usr/bin/java "), "ExecStart runs /usr/bin/java");
        Path copy = dir.resolve("bbq-telemetry.service");
        Files.writeString(copy, unit.replace("ExecStart=/usr/bin/java ", "ExecStart=" + javaHere + " "));

        Process p = new ProcessBuilder(analyze.toString(), "verify", copy.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify finished");
        assertEquals(0, p.exitValue(), "systemd-analyze verify exit status; output:\n" + output);
        assertEquals("", output.strip(), "systemd-analyze verify printed warnings");
    }

    @Test
    void theUnitRunsADedicatedUserWithTheDeviceGroupsAndRestartsOnFailure() {
        assertTrue(unit.contains("\nUser=bbq\n"), unit);
        assertTrue(unit.contains("\nSupplementaryGroups=dialout spi i2c gpio\n"), unit);
        assertTrue(unit.contains("\nRestart=on-failure\n"), unit);
        assertTrue(unit.contains("\nRestartSec="), unit);
    }

    @Test
    void theCommandLineIsOneTheJarAndTheJvmAccept() throws Exception {
        List<String> words = execStart();
        int jar = words.indexOf(JAR);
        assertTrue(jar > 1 && words.get(jar - 1).equals("-jar"), "ExecStart runs java -jar " + JAR + ": " + words);
        assertEquals("telemetry", words.get(jar + 1), words.toString());

        // The telemetry options parse and pass the command's own checks (no device is opened).
        List<String> options = words.subList(jar + 2, words.size());
        TelemetryCommand telemetry = new TelemetryCommand();
        new CommandLine(telemetry).parseArgs(options.toArray(new String[0]));
        telemetry.validate();

        // The JVM options are accepted by this JDK (the build's 21+) as they are by 17 (see the unit).
        List<String> jvm = new ArrayList<>();
        jvm.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        jvm.addAll(words.subList(1, jar - 1));
        jvm.add("-version");
        Process p = new ProcessBuilder(jvm).redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java -version finished");
        assertEquals(0, p.exitValue(), "java accepts " + jvm);
    }

    /** ExecStart's words, continuation lines joined (the unit uses no quoting). */
    private List<String> execStart() {
        String joined = unit.replace("\\\n", " ");
        String line = joined.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        return new ArrayList<>(Arrays.asList(line.substring("ExecStart=".length()).trim().split("\\s+")));
    }
}
