package dev.bbq.stress;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Shows that the stress suite can fail: builds deliberately broken copies of the state machine, one
 * broken rule at a time, and runs the jcstress tests that guard that rule (and, briefly, the soak
 * with chaos on) against each. A copy is made from bbq-core's own sources by a textual edit that
 * must match exactly, compiled, and put in front of the real classes on the class path; nothing in
 * bbq-core changes.
 *
 * <p>Each variant says whether a TSO machine (x86) can reveal it. Program-order mistakes (a store
 * order swapped, a re-check or a look left out) are visible everywhere. A release or acquire
 * weakened to a plain access is not visible on x86, whose hardware already keeps those orders; only
 * a JIT reordering could show it there, and it usually does not. On x86 the run fails (exit 1) if a
 * variant marked visible there was not caught; variants that need a weak-memory machine are reported
 * either way. On ARM every variant should be caught, given enough time ({@code -m tough}).
 *
 * <p>Usage: {@code java -cp jcstress.jar dev.bbq.stress.BrokenVariants --core bbq-core/src/main/java
 * [--out dir] [--only id,id|all] [--soak-seconds n] [jcstress options]}; without jcstress options
 * the variants run in the suite's bounded mode ({@code -m quick -sc false}).
 */
public final class BrokenVariants {

    /** A textual edit of one bbq-core source file: {@code find} must occur exactly {@code times} times. */
    record Edit(String file, String find, String replace, int times) {
        Edit(String file, String find, String replace) {
            this(file, find, replace, 1);
        }
    }

    /** One broken rule: what is broken, the edits that break it, the tests that guard it. */
    record Variant(String id, String rule, String broken, boolean visibleOnTso, String tests, List<Edit> edits) {
    }

    /** The state machine's steps live in Ring's two superclasses, one per side. */
    static final String PRODUCER_STEPS = "RingProducerSide.java";
    static final String CONSUMER_STEPS = "RingConsumerSide.java";

    static final List<Variant> VARIANTS = List.of(
            new Variant("plain-index-stores", "R2 R3 R4",
                    "every store of write, last and read is a plain store instead of a release", false,
                    "CommitPublishesBytes|ReleaseFreesSpaceAfterReads|FramesArriveWhole|SplitReadAcrossWrap",
                    List.of(new Edit("ControlBlock.java", "WORD.setRelease(words, offset >> 2, value);",
                            "words[offset >> 2] = value; // BROKEN: plain store"),
                            new Edit("ControlBlock.java", "INT.setRelease(buffer, offset, value);",
                                    "INT.set(buffer, offset, value); // BROKEN: plain store"))),
            new Variant("plain-index-loads", "R2 R3 R4",
                    "every load of write, last and read is a plain load instead of an acquire", false,
                    "CommitPublishesBytes|ReleaseFreesSpaceAfterReads|FramesArriveWhole|WrapPublishesWatermarkFirst",
                    List.of(new Edit("ControlBlock.java", "return (int) WORD.getAcquire(words, offset >> 2);",
                            "return words[offset >> 2]; // BROKEN: plain load"),
                            new Edit("ControlBlock.java", "return (int) INT.getAcquire(buffer, offset);",
                                    "return (int) INT.get(buffer, offset); // BROKEN: plain load"))),
            new Variant("read-released-plainly", "R4",
                    "the consumer's release of read is a plain store", false,
                    "ReleaseFreesSpaceAfterReads|SplitReadAcrossWrap",
                    List.of(new Edit(CONSUMER_STEPS, "control.setRelease(READ, newRead); // R4",
                            "control.setPlain(READ, newRead); // BROKEN: R4 without release"),
                            new Edit("ControlBlock.java", "    abstract void setRelease(int offset, int value);",
                                    "    abstract void setRelease(int offset, int value);\n\n"
                                            + "    abstract void setPlain(int offset, int value);"),
                            new Edit("ControlBlock.java", "            WORD.setRelease(words, offset >> 2, value);\n        }",
                                    "            WORD.setRelease(words, offset >> 2, value);\n        }\n\n"
                                            + "        @Override\n        void setPlain(int offset, int value) {\n"
                                            + "            words[offset >> 2] = value;\n        }"),
                            new Edit("ControlBlock.java", "            INT.setRelease(buffer, offset, value);\n        }",
                                    "            INT.setRelease(buffer, offset, value);\n        }\n\n"
                                            + "        @Override\n        void setPlain(int offset, int value) {\n"
                                            + "            INT.set(buffer, offset, value);\n        }"))),
            new Variant("write-before-last", "R3",
                    "a wrapping commit stores write before the watermark", true,
                    "WrapPublishesWatermarkFirst|ConsumerFollowsWatermark|SplitReadAcrossWrap|FrameAfterWrap",
                    List.of(new Edit(PRODUCER_STEPS, "int nw = start + used;", "int nw = start + used;\n        int brokenLast = -1;"),
                            new Edit(PRODUCER_STEPS, "control.setRelease(LAST, w); // R3: the watermark before the write that needs it",
                                    "brokenLast = w; // BROKEN: R3, the watermark after write"),
                            new Edit(PRODUCER_STEPS, "control.setRelease(WRITE, nw); // R2: publishes the bytes (and R3: the watermark)",
                                    "control.setRelease(WRITE, nw);\n        if (brokenLast >= 0) {\n"
                                            + "            control.setRelease(LAST, brokenLast);\n        }"))),
            new Variant("last-loaded-first", "R3",
                    "the consumer loads the watermark before write", true,
                    "WrapPublishesWatermarkFirst|ConsumerFollowsWatermark|SplitReadAcrossWrap|ExactFitAtTail",
                    List.of(new Edit(CONSUMER_STEPS, "w = control.getAcquire(WRITE); // R2: bytes up to w are visible",
                            "l = control.getAcquire(LAST); // BROKEN: R3, the watermark first"),
                            new Edit(CONSUMER_STEPS, "l = control.getAcquire(LAST); // R3: after write, so it matches w",
                                    "w = control.getAcquire(WRITE);"))),
            new Variant("inversion-not-strict", "R6",
                    "an inverted grant may end exactly at read (<= instead of <)", true,
                    "SplitReadAcrossWrap|WrapPublishesWatermarkFirst|ConsumerFollowsWatermark",
                    List.of(new Edit(PRODUCER_STEPS, "return n < r - w ? w : -1; // inverted: R6",
                            "return n <= r - w ? w : -1; // BROKEN: R6"))),
            new Variant("read-zero-not-published", "R5",
                    "the consumer follows the watermark without publishing read = 0 (bbqueue's mutation H)", true,
                    "DrainedRingHandshake|ConsumerFollowsWatermark",
                    List.of(new Edit(CONSUMER_STEPS, "publishRead(0); // R5", "// BROKEN: R5, read = 0 not published"))),
            new Variant("empty-wrap-write-first", "R8",
                    "the drained-ring handshake stores write = 0 before last = p", true,
                    "DrainedRingHandshake",
                    List.of(new Edit(PRODUCER_STEPS, "            control.setRelease(LAST, w); // R3: before write\n",
                            "            // BROKEN: R8, the watermark is stored after write below\n"),
                            new Edit(PRODUCER_STEPS, "        control.setRelease(WRITE, 0); // R3\n",
                                    "        control.setRelease(WRITE, 0);\n        control.setRelease(LAST, pLast); // BROKEN: R8/R3\n"))),
            new Variant("no-second-look-before-parking", "R9",
                    "a waiter parks without looking at the other side's index after registering", true,
                    "NoLostWakeUp|BlockedSides",
                    List.of(new Edit("ParkingWaiter.java",
                            "if (consumerSide ? ring.producerMovedSinceConsumerLooked() : ring.consumerMovedSinceProducerLooked()) {",
                            "if (false) { // BROKEN: R9, no second look"))),
            new Variant("no-fence-before-waking", "R9",
                    "commits and releases read the waiter flag without the full fence after their store", true,
                    "NoLostWakeUp|BlockedSides",
                    List.of(new Edit(PRODUCER_STEPS, "VarHandle.fullFence(); // R9: the publication before the waiter-flag load",
                            "// BROKEN: R9, no fence"),
                            new Edit(CONSUMER_STEPS, "VarHandle.fullFence(); // R9: the publication before the waiter-flag load",
                                    "// BROKEN: R9, no fence"))),
            new Variant("end-without-second-look", "R10",
                    "a consumer that sees the producer's closed flag reports the end without looking again", true,
                    "CloseDeliversCommittedBytes|BlockedSides",
                    List.of(new Edit("Waiting.java", "return readable(ring, frames, true) > 0; // R10: look once more after seeing the flag",
                            "return false; // BROKEN: R10"),
                            new Edit("Waiting.java", "return readable(ring, frames, true) > 0; // R10\n",
                                    "return false; // BROKEN: R10\n"))),
            new Variant("wrapped-flag-not-cleared", "R11",
                    "a frame that wraps does not clear its flag byte, which still holds an older frame's header", true,
                    "FrameAfterWrap",
                    List.of(new Edit(PRODUCER_STEPS, "data.put(start, (byte) 0); // R11: after a wrap the flag byte may hold an older lap's bytes",
                            "// BROKEN: R11, stale flag byte kept"))),
            new Variant("frame-published-before-payload", "R11 R2",
                    "a copied frame is committed before its bytes are copied in", true,
                    "FramesArriveWhole|FrameAfterWrap",
                    List.of(new Edit("FrameProducer.java",
                            "        ring.putBytes(start + width, src, off, len);\n        ring.commitFrame(start, width, len);",
                            "        ring.commitFrame(start, width, len); // BROKEN: published first\n"
                                    + "        ring.putBytes(start + width, src, off, len);"))),
            new Variant("flag-without-release-fence", "R11",
                    "the frame's flag byte is stored without the release fence before it", false,
                    "FramesArriveWhole|FrameAfterWrap",
                    List.of(new Edit(PRODUCER_STEPS, "        VarHandle.releaseFence(); // R11\n        data.put(start, first);",
                            "        data.put(start, first); // BROKEN: R11, no release fence"))));

    private BrokenVariants() {
    }

    public static void main(String[] args) throws Exception {
        Path core = null;
        Path out = Paths.get("target", "broken-variants");
        String only = "all";
        int soakSeconds = 8;
        List<String> jcstressArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--core": core = Paths.get(args[++i]); break;
                case "--out": out = Paths.get(args[++i]); break;
                case "--only": only = args[++i]; break;
                case "--soak-seconds": soakSeconds = Integer.parseInt(args[++i]); break;
                default: jcstressArgs.add(args[i]);
            }
        }
        if (core == null || !Files.isDirectory(core.resolve("dev/bbq"))) {
            System.err.println("usage: BrokenVariants --core <bbq-core/src/main/java> [--out dir] [--only id,id|all]"
                    + " [--soak-seconds n] [jcstress options]");
            System.exit(2);
        }
        if (jcstressArgs.isEmpty()) {
            jcstressArgs.addAll(List.of("-m", "quick", "-sc", "false"));
        }
        boolean tso = isTso();
        System.out.println("broken variants on " + System.getProperty("os.arch") + (tso ? " (TSO: only program-order"
                + " mistakes are expected to show)" : " (weak memory: every variant should show)") + ", jcstress "
                + String.join(" ", jcstressArgs) + ", soak " + soakSeconds + " s with chaos");
        Map<Variant, String> results = new LinkedHashMap<>();
        boolean passed = true;
        for (Variant variant : VARIANTS) {
            if (!only.equals("all") && !List.of(only.split(",")).contains(variant.id())) {
                continue;
            }
            String verdict = run(variant, core, out.resolve(variant.id()), jcstressArgs, soakSeconds);
            // A variant that could not be built fails the run; a missed one only if every machine can reveal it.
            if (verdict.startsWith("ERROR") || (verdict.startsWith("MISSED") && variant.visibleOnTso())) {
                passed = false;
            }
            results.put(variant, verdict);
            System.out.println("  " + variant.id() + " [" + variant.rule() + "]: " + verdict);
        }
        System.out.println();
        System.out.println("broken variants, summary:");
        for (Map.Entry<Variant, String> e : results.entrySet()) {
            Variant v = e.getKey();
            System.out.printf(Locale.ROOT, "  %-32s %-9s %-8s %s%n", v.id(), v.rule(),
                    e.getValue().startsWith("CAUGHT") ? "caught" : e.getValue().startsWith("MISSED") ? "missed" : "error",
                    v.visibleOnTso() ? "(program order: visible on x86)" : "(weak memory only: needs ARM)");
        }
        System.out.println("broken variants: " + (passed ? "every variant visible on this machine was caught"
                : "a variant that this machine can reveal was NOT caught, or a variant could not be built"));
        System.exit(passed ? 0 : 1);
    }

    private static boolean isTso() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86") || arch.equals("i386");
    }

    /** Builds one variant and runs its tests; returns "CAUGHT ...", "MISSED ..." or "ERROR ...". */
    static String run(Variant variant, Path core, Path dir, List<String> jcstressArgs, int soakSeconds)
            throws IOException, InterruptedException {
        Path src = dir.resolve("src");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        List<String> sources = new ArrayList<>();
        Map<String, String> edited = new LinkedHashMap<>();
        for (Edit edit : variant.edits()) {
            String text = edited.containsKey(edit.file()) ? edited.get(edit.file())
                    : Files.readString(core.resolve("dev/bbq").resolve(edit.file()), StandardCharsets.UTF_8);
            int found = occurrences(text, edit.find());
            if (found != edit.times()) {
                return "ERROR the edit no longer applies to " + edit.file() + ": found " + found + " times, expected "
                        + edit.times() + ": " + edit.find().strip();
            }
            edited.put(edit.file(), text.replace(edit.find(), edit.replace()));
        }
        for (Map.Entry<String, String> e : edited.entrySet()) {
            Path file = src.resolve("dev/bbq").resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            sources.add(file.toString());
        }
        String classPath = absoluteClassPath();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> javacArgs = new ArrayList<>(List.of("--release", "11", "-nowarn", "-proc:none", "-implicit:none",
                "-cp", classPath, "-sourcepath", "", "-d", classes.toString()));
        javacArgs.addAll(sources);
        if (javac.run(null, null, null, javacArgs.toArray(new String[0])) != 0) {
            return "ERROR the variant does not compile";
        }
        String runPath = classes + File.pathSeparator + classPath;

        List<String> gate = new ArrayList<>(List.of(java(), "-cp", runPath, JcstressGate.class.getName(),
                "-t", "dev\\.bbq\\.stress\\.(" + variant.tests() + ")", "-r", dir.resolve("results").toString()));
        gate.addAll(jcstressArgs);
        int gateExit = exec(gate, dir, dir.resolve("jcstress.log"));
        Path summary = dir.resolve("results").resolve("gate-summary.txt");
        List<String> caughtBy = new ArrayList<>();
        if (Files.exists(summary)) {
            for (String line : Files.readAllLines(summary, StandardCharsets.UTF_8)) {
                String[] parts = line.split("\t", 3);
                if (parts.length == 3 && !parts[1].equals("PASSED")) {
                    caughtBy.add(parts[0].replace("dev.bbq.stress.", "") + " " + parts[1] + " " + forbidden(parts[2]));
                }
            }
        } else if (gateExit != 0) {
            return "ERROR jcstress did not run; see " + dir.resolve("jcstress.log");
        }
        String soak = "";
        if (soakSeconds > 0) {
            List<String> soakCommand = List.of(java(), "-Dbbq.chaos=true", "-cp", runPath, Soak.class.getName(),
                    Integer.toString(soakSeconds), "1");
            int soakExit = exec(soakCommand, dir, dir.resolve("soak.log"));
            soak = soakExit == 0 ? "; soak passed" : "; soak FAILED: " + firstFailure(dir.resolve("soak.log"));
        }
        if (!caughtBy.isEmpty() || soak.contains("FAILED")) {
            return "CAUGHT " + (caughtBy.isEmpty() ? "jcstress: nothing" : "jcstress: " + String.join("; ", caughtBy)) + soak;
        }
        return "MISSED by jcstress (" + variant.tests() + ")" + soak;
    }

    /** The forbidden (or error) outcomes of a summary line. */
    private static String forbidden(String outcomes) {
        List<String> seen = new ArrayList<>();
        for (String outcome : outcomes.split(", (?=\")|, (?=[A-Z_]+_ERROR)")) {
            if (!outcome.contains("[ACCEPTABLE]") && !outcome.contains("[Acceptable]")) {
                seen.add(outcome);
            }
        }
        return seen.toString();
    }

    private static String firstFailure(Path log) throws IOException {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.contains("FAILED:")) {
                String s = line.strip();
                return s.length() > 200 ? s.substring(0, 200) + "..." : s;
            }
        }
        return "see " + log;
    }

    private static int occurrences(String text, String find) {
        int count = 0;
        for (int at = text.indexOf(find); at >= 0; at = text.indexOf(find, at + 1)) {
            count++;
        }
        return count;
    }

    /** This JVM's class path with absolute entries: the variants run in their own directories. */
    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            entries.add(Paths.get(entry).toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int exec(List<String> command, Path dir, Path log) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(2, TimeUnit.HOURS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
