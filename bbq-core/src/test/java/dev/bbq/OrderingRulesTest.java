package dev.bbq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The proof and the code name the same ordering rules, and every shared access in the state
 * machine says which rule it follows: {@code Ring}'s class comment and {@code docs/design.md} list
 * the same rules, and each line of {@code Ring} that touches the control block, issues a fence or
 * stores a frame flag or mark byte carries an {@code // Rn} tag (the rule lists drifted apart once:
 * the document said "R1 to R8" while the code had R1 to R11).
 */
class OrderingRulesTest {
    private static final Pattern CODE_RULE = Pattern.compile("<li>R(\\d+),");
    private static final Pattern DOC_RULE = Pattern.compile("\\*\\*R(\\d+),");
    private static final Pattern SHARED_ACCESS = Pattern.compile(
            "control\\.(get|set)\\w*\\(|VarHandle\\.\\w*Fence\\(|data\\.put\\(");
    private static final Pattern TAG = Pattern.compile("// .*\\bR\\d+");

    @Test
    void ringsClassCommentAndDesignMdListTheSameRules() throws IOException {
        TreeSet<Integer> code = rules(CODE_RULE, read("bbq-core/src/main/java/dev/bbq/Ring.java"));
        TreeSet<Integer> doc = rules(DOC_RULE, read("docs/design.md"));
        System.out.println("ordering rules: Ring " + code + ", design.md " + doc);
        assertTrue(code.size() >= 12, "Ring lists its rules: " + code);
        assertEquals(code, doc, "Ring's class comment and docs/design.md list different rules");
        assertEquals(code.last(), code.size(), "the rules are numbered 1 to n without gaps: " + code);
        assertTrue(read("docs/design.md").contains("R1 to R" + code.last()),
                "design.md's header names the range R1 to R" + code.last());
    }

    @Test
    void everySharedAccessInTheStateMachineNamesItsRule() throws IOException {
        List<String> untagged = new ArrayList<>();
        int accesses = 0;
        for (String file : new String[] {"Ring.java", "FrameHeader.java"}) {
            String[] lines = read("bbq-core/src/main/java/dev/bbq/" + file).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].trim();
                if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) {
                    continue; // comments and Javadoc
                }
                // FrameHeader writes header bytes into a grant's private space; only its fences order anything.
                boolean counts = file.equals("Ring.java") || line.contains("Fence");
                if (counts && SHARED_ACCESS.matcher(line).find()) {
                    accesses++;
                    if (!TAG.matcher(line).find()) {
                        untagged.add(file + ":" + (i + 1) + ": " + line);
                    }
                }
            }
        }
        System.out.println("shared accesses tagged with their rule: " + (accesses - untagged.size()) + " of " + accesses);
        assertTrue(accesses > 40, "found the accesses: " + accesses);
        assertTrue(untagged.isEmpty(), "untagged shared accesses:\n" + String.join("\n", untagged));
    }

    private static TreeSet<Integer> rules(Pattern pattern, String text) {
        TreeSet<Integer> rules = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            rules.add(Integer.parseInt(m.group(1)));
        }
        return rules;
    }

    /** A file of the repository; tests run with bbq-core as the working directory. */
    private static String read(String path) throws IOException {
        Path here = Paths.get("").toAbsolutePath();
        Path file = here.resolve("..").resolve(path).normalize();
        if (!Files.exists(file)) {
            file = here.resolve(path);
        }
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
