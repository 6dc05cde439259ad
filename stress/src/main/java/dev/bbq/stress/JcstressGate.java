package dev.bbq.stress;

import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.grading.GradingResult;
import org.openjdk.jcstress.infra.grading.ReportUtils;
import org.openjdk.jcstress.infra.grading.TestGrading;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * Runs the jcstress suite and turns its verdict into an exit status: 0 only if every selected test
 * ran, in every configuration, with no FORBIDDEN outcome and no error, timeout or crash.
 *
 * <p>jcstress 0.16 itself ends with an exception (so a non-zero exit) when a test fails, but it exits
 * 0 when no test matched the selection, and it skips tests whose API it finds mismatched; a gate
 * must not pass on tests that never ran. So this reads the result file back, checks that each
 * selected test has results and that all of them passed, and prints one line per test with every
 * outcome it observed (the figures {@code docs/testing.md} quotes).
 *
 * <p>Arguments are jcstress's own ({@code -m tough}, {@code -t regexp}, {@code -r dir}, ...). Besides
 * jcstress's HTML report, the result directory receives {@code gate-summary.txt}: one line per test,
 * {@code name<TAB>PASSED|FAILED|ERROR|MISSING|SKIPPED (n actors, m CPUs)<TAB>outcome=count[expect], ...}, which the broken-variant
 * runner reads.
 */
public final class JcstressGate {
    private JcstressGate() {
    }

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        if (!options.parse()) {
            System.exit(1);
        }
        JCStress jcstress = new JCStress(options);
        if (options.shouldList()) {
            org.openjdk.jcstress.Main.main(args);
            return;
        }
        SortedSet<String> selected = jcstress.getTests();
        if (options.shouldParse()) {
            for (String line : summarize(selected, options.getResultFile())) {
                System.out.println(line.replace('\t', ' '));
            }
            return;
        }
        if (selected.isEmpty()) {
            System.err.println("jcstress gate: no test matches \"" + options.getTestFilter() + "\"");
            System.exit(1);
        }
        String jcstressVerdict = "passed";
        try {
            jcstress.run();
        } catch (AssertionError failures) {
            jcstressVerdict = "reported failures";
        }
        List<String> lines = summarize(selected, options.getResultFile());
        boolean passed = jcstressVerdict.equals("passed");
        PrintStream out = System.out;
        out.println();
        out.println("jcstress gate: " + selected.size() + " tests selected; jcstress " + jcstressVerdict);
        for (String line : lines) {
            out.println("  " + line.replace('\t', ' '));
            passed &= line.contains("\tPASSED\t") || line.contains("\tSKIPPED ");
        }
        Path summary = Paths.get(options.getResultDest(), "gate-summary.txt");
        Files.createDirectories(summary.getParent());
        Files.write(summary, lines, StandardCharsets.UTF_8);
        out.println("jcstress gate: " + (passed ? "PASSED" : "FAILED") + " (summary in " + summary + ")");
        System.exit(passed ? 0 : 1);
    }

    /** One line per selected test: its verdict and every outcome seen, merged over configurations. */
    static List<String> summarize(SortedSet<String> selected, String resultFile)
            throws IOException, ClassNotFoundException {
        InProcessCollector collector = new InProcessCollector();
        DiskReadCollector reader = new DiskReadCollector(resultFile, collector);
        reader.dump();
        reader.close();
        Map<String, List<TestResult>> byTest = new TreeMap<>();
        for (TestResult result : collector.getTestResults()) {
            byTest.computeIfAbsent(result.getName(), name -> new ArrayList<>()).add(result);
        }
        List<String> lines = new ArrayList<>();
        for (String test : selected) {
            List<TestResult> results = byTest.getOrDefault(test, List.of());
            lines.add(test + "\t" + verdict(test, results) + "\t" + outcomes(results));
        }
        return lines;
    }

    private static String verdict(String test, List<TestResult> results) {
        if (results.isEmpty()) {
            int actors = actors(test);
            int cpus = Runtime.getRuntime().availableProcessors();
            // jcstress 0.16 runs no test with more actors than CPUs: such a test can only run on a
            // bigger machine (the three-producer races need 3; a Raspberry Pi 4 has 4 cores)
            return actors > cpus ? "SKIPPED (" + actors + " actors, " + cpus + " CPUs)" : "MISSING";
        }
        for (TestResult result : results) {
            if (result.status() != Status.NORMAL) {
                return "ERROR";
            }
        }
        for (TestResult result : ReportUtils.mergedByName(results)) {
            if (!result.grading().isPassed) {
                return "FAILED";
            }
        }
        return "PASSED";
    }

    /** The test's {@code @Actor} methods; a test class that cannot be found counts as runnable. */
    private static int actors(String test) {
        String name = test;
        while (true) {
            try {
                int actors = 0;
                for (Method m : Class.forName(name).getDeclaredMethods()) {
                    actors += m.isAnnotationPresent(Actor.class) ? 1 : 0;
                }
                return actors;
            } catch (ClassNotFoundException e) {
                int dot = name.lastIndexOf('.');
                if (dot < 0) {
                    return 0;
                }
                name = name.substring(0, dot) + '$' + name.substring(dot + 1); // a nested test class
            }
        }
    }

    private static String outcomes(List<TestResult> results) {
        StringBuilder sb = new StringBuilder();
        for (TestResult result : results) {
            if (result.status() != Status.NORMAL) {
                sb.append(sb.length() == 0 ? "" : ", ").append(result.status()).append(' ')
                        .append(result.getConfig().jvmArgs);
            }
        }
        List<TestResult> normal = new ArrayList<>();
        for (TestResult result : results) {
            if (result.status() == Status.NORMAL) {
                normal.add(result);
            }
        }
        for (TestResult merged : ReportUtils.mergedByName(normal)) {
            TestGrading grading = merged.grading();
            for (GradingResult outcome : grading.gradingResults.values()) {
                if (outcome.count == 0 && outcome.expect != Expect.ACCEPTABLE) {
                    continue;
                }
                sb.append(sb.length() == 0 ? "" : ", ").append('"').append(outcome.id).append("\"=")
                        .append(outcome.count).append('[').append(outcome.expect).append(']');
            }
        }
        return sb.toString();
    }
}
