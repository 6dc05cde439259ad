package dev.bbq.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
 * <p>With one thread ({@code --threads 1}), each turn is {@link OneThread}'s: the calling thread sends
 * a batch and receives it, and the measurement is messages per second of that thread's CPU time,
 * which a machine busy with other work disturbs far less than two threads' wall-clock rate.
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

    private final List<Paired.Turns> candidates = new ArrayList<>();
    private final List<Paired.Turns> exercisers = new ArrayList<>();
    private final long exerciseMillis;
    private int next;
    /** Exerciser turns run so far, and how many of them delivered any message. */
    private int exerciseTurns;
    private int exerciseTurnsThatMoved;

    /**
     * Opens every candidate and every exerciser (each with two threads, parked between turns) and
     * runs each exerciser once for {@code firstMillis}; then every measured turn is preceded by one
     * exerciser's turn of {@code exerciseMillis}, the exercisers taking turns. Without {@code exercise},
     * there are no exercisers: the control run, in which only the candidates share the JVM.
     */
    OneJvm(List<Candidate> measured, Workload workload, int budget, long firstMillis, long exerciseMillis,
           boolean oneThread, boolean exercise) throws InterruptedException {
        this.exerciseMillis = exerciseMillis;
        try {
            for (Candidate candidate : measured) {
                candidates.add(turns(candidate.open(workload, budget, Mode.SPIN), workload.sizes(), oneThread));
            }
            for (Channel channel : exercise ? exercisers(budget) : List.<Channel>of()) {
                exercisers.add(turns(channel, EXERCISE.sizes(), oneThread));
            }
            for (int i = 0; i < exercisers.size(); i++) {
                exercise(firstMillis);
            }
        } catch (RuntimeException | InterruptedException | Error e) {
            stop();
            throw e;
        }
    }

    private static Paired.Turns turns(Channel channel, int[] sizes, boolean oneThread) {
        return oneThread ? new OneThread(channel, sizes) : new Paired.Rounds(channel, sizes);
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
        if (exercisers.isEmpty()) {
            return;
        }
        Paired.Turns exerciser = exercisers.get(next);
        next = (next + 1) % exercisers.size();
        exerciseTurns++;
        if (exerciser.run(millis) > 0) {
            exerciseTurnsThatMoved++;
        }
    }

    /** Stops every thread and closes every queue. */
    void stop() throws InterruptedException {
        for (Paired.Turns rounds : candidates) {
            rounds.stop();
        }
        for (Paired.Turns rounds : exercisers) {
            rounds.stop();
        }
    }

    /** The child's main: {@code CANDIDATE,CANDIDATE,... WORKLOAD BUDGET THREADS exercise|none}. */
    static void child(String candidateList, String workload, String budget, String threads, String exercise)
            throws Exception {
        List<Candidate> measured = new ArrayList<>();
        for (String name : candidateList.split(",")) {
            measured.add(Candidate.valueOf(name));
        }
        OneJvm all = new OneJvm(measured, Workload.valueOf(workload), Integer.parseInt(budget),
                FIRST_EXERCISE_MILLIS, 0, threads.equals("1"), exercise.equals("exercise"));
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

    /**
     * One thread's turn: batches of {@link CostBenchmark#BATCH} messages sent and then received, as in
     * {@link CostBenchmark}, for about the given wall-clock time; the result is messages per second of
     * this thread's CPU time.
     */
    static final class OneThread implements Paired.Turns {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private final Channel channel;
        private final int[] sizes;
        private final Checker checker;
        private long seq;
        private long lastMessages;
        private long lastCpuNanos;

        OneThread(Channel channel, int[] sizes) {
            this.channel = channel;
            this.sizes = sizes;
            this.checker = new Checker(sizes);
        }

        @Override
        public double run(long millis) {
            long end = System.nanoTime() + millis * 1_000_000;
            long first = seq;
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            do {
                for (int b = 0; b < 8; b++) {
                    batch();
                }
            } while (System.nanoTime() - end < 0);
            lastCpuNanos = THREADS.getCurrentThreadCpuTime() - cpu0;
            lastMessages = seq - first;
            return lastMessages * 1e9 / Math.max(1, lastCpuNanos);
        }

        private void batch() {
            for (int i = 0; i < CostBenchmark.BATCH; i++) {
                long s = seq++;
                if (!channel.offer(s, sizes[(int) (s & (Workload.PERIOD - 1))])) {
                    throw new IllegalStateException("refused message " + s + " of a batch of " + CostBenchmark.BATCH);
                }
            }
            int received = 0;
            int emptyPolls = 0;
            while (received < CostBenchmark.BATCH) {
                int n = channel.poll(checker);
                // Agrona's read stops at the padding record at the end of its ring; the next one goes on.
                if (n == 0 && ++emptyPolls > 2) {
                    throw new IllegalStateException("delivered " + received + " of " + CostBenchmark.BATCH);
                }
                received += n;
            }
        }

        /** The last turn's CPU nanoseconds per message, and its messages. */
        @Override
        public String detail() {
            return String.format(Locale.ROOT, " %.2f %d", lastCpuNanos / (double) Math.max(1, lastMessages),
                    lastMessages);
        }

        @Override
        public void stop() {
            channel.close();
        }
    }
}
