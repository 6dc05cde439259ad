package dev.bbq.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The small examples, each run as a user would run it, checking what it reports and its exit status. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExamplesTest {
    @TempDir
    Path dir;

    @Test
    void fileStreamingCopiesAGeneratedFileExactly() {
        Run run = Run.of("file-streaming", "--size", "8MiB", "--queue", "64KiB");
        assertEquals(Cli.OK, run.status, run.toString());
        assertTrue(run.out.contains("file-streaming: 8 MiB from "), run.out);
        assertTrue(run.out.contains("through a 64 KiB direct queue"), run.out);
        assertTrue(run.out.matches("(?s).*CRC-32C input (\\p{XDigit}{8}), output \\1: identical.*"), run.out);
    }

    @Test
    void fileStreamingCopiesAGivenFileToAGivenPlace() throws IOException {
        byte[] data = new byte[3 * 100_000 + 7];
        new Random(3).nextBytes(data);
        Path in = Files.write(dir.resolve("in.bin"), data);
        Path out = dir.resolve("out.bin");
        Run run = Run.of("file-streaming", "--input", in.toString(), "--output", out.toString(), "--queue", "4KiB");
        assertEquals(Cli.OK, run.status, run.toString());
        assertEquals(java.util.Arrays.hashCode(data), java.util.Arrays.hashCode(Files.readAllBytes(out)));
        assertTrue(Files.exists(in), "a given input is kept");
    }

    @Test
    void fileStreamingSaysWhenTheInputCannotBeRead() {
        Run run = Run.of("file-streaming", "--input", dir.resolve("missing").toString());
        assertEquals(Cli.FAILED, run.status, run.toString());
        assertEquals("file-streaming: cannot read " + dir.resolve("missing"), run.err.trim());
    }

    @Test
    void requestResponseAnswersEveryRequestInOrder() {
        Run run = Run.of("request-response", "--requests", "20000", "--in-flight", "16");
        assertEquals(Cli.OK, run.status, run.toString());
        assertTrue(run.out.contains("request-response: 20,000 requests, 20,000 responses in "), run.out);
        assertTrue(run.out.contains("OK: 0 unanswered, 0 mismatched, end of stream seen"), run.out);
    }

    @Test
    void requestResponseRefusesAQueueTooSmallForTheRequestsInFlight() {
        Run run = Run.of("request-response", "--in-flight", "1000", "--queue", "1KiB");
        assertEquals(Cli.USAGE, run.status, run.toString());
        assertTrue(run.err.startsWith("request-response: --queue must hold --in-flight requests"), run.err);
    }

    @Test
    void spiCaptureOnTheMockPlatformDeliversEveryPacketIntact() {
        Run run = Run.of("spi-capture", "--packets", "300", "--packet-size", "48");
        assertEquals(Cli.OK, run.status, run.toString());
        assertTrue(run.out.contains("spi-capture: 300 packets of 48 bytes captured by SpiPump"), run.out);
        assertTrue(run.out.contains("pump: 300 data-ready triggers, 300 transfers, 300 packets, 0 dropped, 0 failed"),
                run.out);
        assertTrue(run.out.contains("OK: 300 intact and in order, 0 wrong, 0 missing"), run.out);
    }
}
