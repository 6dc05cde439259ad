package dev.bbq.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The child of {@code paired --mode one-jvm}: every candidate in one JVM, as in an application whose
 * {@code ByteBuffer} call sites see more than one kind of buffer.
 *
 * <p>In the default paired rounds each candidate runs in a JVM of its own, so C2 compiles bbq's
 * buffer accesses having seen only the direct buffer of that candidate: every {@code ByteBuffer} call
 * site is monomorphic and inlined. An application that also uses heap buffers, a mapped queue file,
 * Agrona's {@code UnsafeBuffer} or pooled direct buffers gives those call sites, and the checker's,
 * a wider profile. Here the measured candidates share one JVM with a fixed set of exercisers (bbq over a
 * heap ring and over a mapped file, bbq raw, Agrona copying, JCTools with pooled direct buffers), which
 * run before the first round and then for a short unmeasured turn before every measured one, so that
 * the profile stays wide while the candidates are measured and a recompilation sees it too.
 *
 * <p>Protocol on standard input and output, as {@link Paired}'s children: {@code READY}, then for each
 * {@code run WHO MILLIS} (a candidate's index in the list it was started with) a {@code RATE} line,
 * until {@code quit}.
 */
final class OneJvm {
    /** The exercisers' sizes: 48 B and 1 KiB frames, so their rings also wrap and use two-byte headers. */
    static final Workload EXERCISE = Workload.BIMODAL_48_1K;
    /** How long each exerciser runs before the first round (after its ramp). */
    private static final long FIRST_EXERCISE_MILLIS = 200;

    private final List<Paired.Rounds> candidates = new ArrayList<>();
    private final List<Paired.Rounds> exercisers = new ArrayList<>();
    private final long exerciseMillis;
    private int next;
    /** Exerciser turns run so far, and how many of them delivered any message. */
    private int exerciseTurns;
    private int exerciseTurnsThatMoved;

    /**
     * Opens every candidate and every exerciser (each with two threads, parked between turns) and
     * runs each exerciser once for {@code firstMillis}; then every measured turn is preceded by one
     * exerciser's turn of {@code exerciseMillis}, the exercisers taking turns.
     */
    OneJvm(List<Candidate> measured, Workload workload, int budget, long firstMillis, long exerciseMillis)
            throws InterruptedException {
        this.exerciseMillis = exerciseMillis;
        try {
            for (Candidate candidate : measured) {
                candidates.add(new Paired.Rounds(candidate.open(workload, budget, Mode.SPIN), workload.sizes()));
            }
            for (Channel channel : exercisers(budget)) {
                exercisers.add(new Paired.Rounds(channel, EXERCISE.sizes()));
            }
            for (int i = 0; i < exercisers.size(); i++) {
                exercise(firstMillis);
            }
        } catch (RuntimeException | InterruptedException | Error e) {
            stop();
            throw e;
        }
    }

    /** The channels whose buffers widen the profile: none of them is measured. */
    static List<Channel> exercisers(int budget) {
        return List.of(
                Candidate.bbqFramedWrite(EXERCISE, budget, Candidate.Storage.HEAP),
                Candidate.bbqFramedWrite(EXERCISE, budget, Candidate.Storage.MAPPED),
                Candidate.BBQ_RAW.open(EXERCISE, budget, Mode.SPIN),
                Candidate.AGRONA_WRITE.open(EXERCISE, budget, Mode.SPIN),
                Candidate.JCTOOLS_POOLED.open(EXERCISE, budget, Mode.SPIN));
    }

    /** One exerciser's turn, then candidate {@code who}'s measured round; returns its messages per second. */
    double run(int who, long millis) throws InterruptedException {
        exercise(exerciseMillis);
        return candidates.get(who).run(millis);
    }

    /** What candidate {@code who}'s last round measured beyond its rate, as {@link Paired.Turns#detail()}. */
    String detail(int who) {
        return candidates.get(who).detail();
    }

    int exerciseTurns() {
        return exerciseTurns;
    }

    int exerciseTurnsThatMoved() {
        return exerciseTurnsThatMoved;
    }

    int exerciserCount() {
        return exercisers.size();
    }

    private void exercise(long millis) throws InterruptedException {
        Paired.Rounds exerciser = exercisers.get(next);
        next = (next + 1) % exercisers.size();
        exerciseTurns++;
        if (exerciser.run(millis) > 0) {
            exerciseTurnsThatMoved++;
        }
    }

    /** Stops every thread and closes every queue. */
    void stop() throws InterruptedException {
        for (Paired.Rounds rounds : candidates) {
            rounds.stop();
        }
        for (Paired.Rounds rounds : exercisers) {
            rounds.stop();
        }
    }

    /** The child's main: {@code CANDIDATE,CANDIDATE,... WORKLOAD BUDGET}. */
    static void child(String candidateList, String workload, String budget) throws Exception {
        List<Candidate> measured = new ArrayList<>();
        for (String name : candidateList.split(",")) {
            measured.add(Candidate.valueOf(name));
        }
        OneJvm all = new OneJvm(measured, Workload.valueOf(workload), Integer.parseInt(budget),
                FIRST_EXERCISE_MILLIS, 0);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        System.out.flush();
        String line;
        while ((line = in.readLine()) != null && line.startsWith("run ")) {
            String[] words = line.split(" ");
            int who = Integer.parseInt(words[1]);
            double rate = all.run(who, Long.parseLong(words[2]));
            System.out.println("RATE " + rate + all.detail(who));
            System.out.flush();
        }
        all.stop();
    }
}
