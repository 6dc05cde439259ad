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
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The proof and the code name the same ordering rules, and every shared access says which rule it
 * follows: {@code Ring}'s class comment and {@code docs/design.md} list the same rules, and each
 * line of the library's main sources (the state machine is spread over {@code Ring} and its
 * superclasses, and the queue file's takeover lives beside it) that touches the control block,
 * issues a fence or stores a frame flag or mark byte carries an {@code // Rn} tag (the rule lists
 * drifted apart once: the document said "R1 to R8" while the code had R1 to R11).
 */
class OrderingRulesTest {
    private static final Pattern CODE_RULE = Pattern.compile("<li>R(\\d+),");
    private static final Pattern DOC_RULE = Pattern.compile("\\*\\*R(\\d+),");
    /**
     * A shared access: a load or store of a control-block word, a fence, or a single byte stored at a
     * frame boundary of the ring (a commit flag, a wrap mark, the zero that reads "nothing yet"; the
     * other header bytes are stored at {@code index + i}, inside a grant no other thread reads).
     */
    private static final Pattern SHARED_ACCESS = Pattern.compile(
            "\\bcontrol\\.(get|set)\\w*\\(|VarHandle\\.\\w*Fence\\(|\\bdata\\.put\\(\\w+, ");
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
    void everySharedAccessInTheLibraryNamesItsRule() throws IOException {
        Path sources = repositoryPath("bbq-core/src/main/java/dev/bbq");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
        List<String> untagged = new ArrayList<>();
        Map<String, Integer> accessesPerFile = new TreeMap<>();
        int accesses = 0;
        for (Path file : files) {
            String name = sources.relativize(file).toString();
            String[] lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].trim();
                if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) {
                    continue; // comments and Javadoc
                }
                if (SHARED_ACCESS.matcher(line).find()) {
                    accesses++;
                    accessesPerFile.merge(name, 1, Integer::sum);
                    if (!TAG.matcher(line).find()) {
                        untagged.add(name + ":" + (i + 1) + ": " + line);
                    }
                }
            }
        }
        System.out.println("shared accesses tagged with their rule: " + (accesses - untagged.size()) + " of " + accesses
                + " in " + files.size() + " files: " + accessesPerFile);
        assertTrue(files.size() > 40, "read the package's sources: " + files.size());
        assertTrue(accesses > 40, "found the accesses: " + accesses);
        for (String stateMachine : new String[] {"Ring.java", "RingProducerSide.java", "RingConsumerSide.java"}) {
            assertTrue(accessesPerFile.containsKey(stateMachine), "found the accesses in " + stateMachine);
        }
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

    /** A file of the repository. */
    private static String read(String path) throws IOException {
        return new String(Files.readAllBytes(repositoryPath(path)), StandardCharsets.UTF_8);
    }

    /** A path in the repository; tests run with bbq-core as the working directory. */
    private static Path repositoryPath(String path) {
        Path here = Paths.get("").toAbsolutePath();
        Path file = here.resolve("..").resolve(path).normalize();
        return Files.exists(file) ? file : here.resolve(path);
    }
}
