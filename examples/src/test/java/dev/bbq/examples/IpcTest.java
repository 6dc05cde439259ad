package dev.bbq.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two IPC commands in two JVMs, as documented: the consumer in a child process started with
 * this JVM and this class path, the producer here. They share nothing but the queue file.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class IpcTest {
    @TempDir
    Path dir;

    private Process consumer(Path file, Path output) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(java, "-cp", classPath, Main.class.getName(), "ipc-consumer", file.toString(),
                "--wait", "30s")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    @Test
    void framesCrossFromOneJvmToAnotherWithNoneLost() throws Exception {
        Path file = dir.resolve("bbq-demo.q");
        Path output = dir.resolve("consumer.txt");
        Process child = consumer(file, output); // started first: it waits for the file
        Run producer = Run.of("ipc-producer", file.toString(), "--frames", "200000", "--size", "48",
                "--capacity", "64KiB");
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "consumer finished");
        String consumed = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(Cli.OK, producer.status, producer.toString());
        assertTrue(producer.out.contains("ipc-producer: sent 200,000 frames"), producer.out);
        assertEquals(Cli.OK, child.exitValue(), consumed);
        assertTrue(consumed.contains("ipc-consumer: 200,000 frames received from " + file), consumed);
        assertTrue(consumed.contains("RESULT: OK. 200,000 frames sent, 200,000 received intact and in order; "
                + "0 lost, 0 duplicated, 0 corrupted."), consumed);
        assertFalse(Files.exists(file), "the consumer removes the queue file");
    }

    @Test
    void aProducerDoesNotOverwriteAnExistingFile() throws IOException {
        Path file = Files.writeString(dir.resolve("taken.q"), "not a queue");
        Run run = Run.of("ipc-producer", file.toString());
        assertEquals(Cli.FAILED, run.status, run.toString());
        assertEquals(List.of("ipc-producer: " + file + " exists: another producer is using it, or a run ended early "
                + "(remove it, or pass --replace)"), List.of(run.errLines()));
    }

    @Test
    void aConsumerSaysWhenNoProducerCame() {
        Path file = dir.resolve("nobody.q");
        Run run = Run.of("ipc-consumer", file.toString(), "--wait", "200ms");
        assertEquals(Cli.FAILED, run.status, run.toString());
        assertEquals("ipc-consumer: no queue file " + file + " after 0.2 s: start 'ipc-producer " + file + "'",
                run.err.trim());
    }

    @Test
    void aConsumerRefusesAFileOthersMayWrite() throws IOException {
        Path file = dir.resolve("planted.q");
        BBQueue.createMapped(file, 4096);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        Run run = Run.of("ipc-consumer", file.toString(), "--wait", "200ms", "--keep-file");
        assertEquals(Cli.FAILED, run.status, run.toString());
        assertTrue(run.err.startsWith("ipc-consumer: refusing " + file + ": users other than its owner and group may "
                + "write it"), run.err);
        assertTrue(Files.exists(file), "a refused file is not removed");
    }
}
