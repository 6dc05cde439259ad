package dev.bbq.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bbq_selftest.c (misuse checks, then a producer and a consumer thread over one mapping, framed and
 * raw) built three ways: with the project's warning flags, under ThreadSanitizer, and under
 * AddressSanitizer with UndefinedBehaviorSanitizer. And a copy of bbq.h whose release stores are
 * weakened to relaxed, which ThreadSanitizer must catch: the sanitizer run can fail.
 */
class SanitizerTest {
    static final List<String> TSAN = List.of("-O1", "-g", "-fsanitize=thread");
    static final List<String> ASAN = List.of("-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all");

    @TempDir
    Path dir;

    @Test
    void selfTestPassesWithTheWarningFlags() throws Exception {
        CPrograms.Result result = selfTest(CPrograms.build("bbq_selftest", "selftest", List.of()), 1_000_000,
                20_000_000);
        assertEquals(0, result.exit, result.output);
    }

    @Test
    void selfTestIsCleanUnderThreadSanitizer() throws Exception {
        CPrograms.Result result = selfTest(CPrograms.build("bbq_selftest", "selftest-tsan", TSAN), 200_000, 4_000_000);
        assertEquals(0, result.exit, result.output);
        assertTrue(!result.output.contains("ThreadSanitizer"), result.output);
    }

    @Test
    void selfTestIsCleanUnderAddressAndUndefinedBehaviourSanitizers() throws Exception {
        CPrograms.Result result = selfTest(CPrograms.build("bbq_selftest", "selftest-asan", ASAN), 200_000, 4_000_000);
        assertEquals(0, result.exit, result.output);
        assertTrue(!result.output.contains("Sanitizer") && !result.output.contains("runtime error"), result.output);
    }

    @Test
    void threadSanitizerCatchesACommitThatDoesNotRelease() throws Exception {
        Path broken = Files.createDirectories(CPrograms.OUT.resolve("broken-include"));
        String header = Files.readString(CPrograms.INCLUDE.resolve("bbq.h"));
        String release = "atomic_store_explicit(bbq_word(q, offset), value, memory_order_release);";
        assertTrue(header.contains(release), "bbq_set_release changed: update this test");
        Files.writeString(broken.resolve("bbq.h"),
                header.replace(release, release.replace("memory_order_release", "memory_order_relaxed")));
        // -I puts the weakened copy first; bbq_selftest.c includes "bbq.h".
        Path program = CPrograms.build("bbq_selftest", "selftest-tsan-broken",
                List.of("-I", broken.toString(), "-O1", "-g", "-fsanitize=thread"));
        CPrograms.Result result = selfTest(program, 50_000, 500_000);
        assertNotEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("WARNING: ThreadSanitizer: data race"), result.output);
    }

    private CPrograms.Result selfTest(Path program, long frames, long bytes) throws Exception {
        Path misuse = dir.resolve(program.getFileName() + "-misuse.bbq");
        Path framed = dir.resolve(program.getFileName() + "-framed.bbq");
        Path raw = dir.resolve(program.getFileName() + "-raw.bbq");
        for (Path file : List.of(misuse, framed, raw)) {
            BBQueue.createMapped(file, 4096 + 17); // small and odd: many wraps, at every offset
        }
        return CPrograms.run(CPrograms.command(program, misuse, framed, raw, frames, bytes), 300);
    }
}
