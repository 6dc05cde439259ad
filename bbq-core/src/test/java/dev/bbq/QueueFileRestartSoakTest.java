package dev.bbq;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Restartable halves of a queue file, with real processes: a producer JVM and a consumer JVM move
 * checksummed, numbered frames ({@link SoakLedger}) through a queue file while this test kills each
 * of them with SIGKILL at random moments and starts a new one, each side on its own schedule (every
 * eighth consumer stop is a close, holding a frame, instead of a kill). Then
 * a last producer writes {@code FINAL_FRAMES} frames and closes, a last consumer reads to the end of
 * the stream, and the ledgers the children kept must show: every frame whose commit returned was
 * delivered, intact, each producer run's frames in order; nothing released was delivered again; the
 * only duplicates are frames read and not released when a consumer died; and no restart wedged
 * anything: while frames were committed and not yet consumed, the consumer never went longer than
 * {@code WEDGE_MILLIS} without progress, and no producer commit came for that long either (both
 * summed across restarts, since a wedge outlasts any one process, over the time the processes had
 * attached).
 *
 * <p>Sized by system properties: {@code bbq.soak.kills} (SIGKILLs per side, default 50; the raw-queue
 * variant's is {@code bbq.soak.rawKills}, default 20, 0 to skip it),
 * {@code bbq.soak.minLifeMs}/{@code bbq.soak.maxLifeMs} (a child's life, from its start, before its
 * kill: default 250 to 1200 ms, so that kills land in JVM start-up, while taking a half over, and in
 * the middle of the stream) and {@code bbq.soak.seed}. Every other child runs in chaos mode
 * ({@code -Dbbq.chaos=true}: random pauses between the steps of the state machine), which widens the
 * windows a kill must hit to cut a commit or leave a frame read and not released.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class QueueFileRestartSoakTest {
    private static final int KILLS = Integer.getInteger("bbq.soak.kills", 50);
    private static final int RAW_KILLS = Integer.getInteger("bbq.soak.rawKills", 20);
    private static final int MIN_LIFE_MS = Integer.getInteger("bbq.soak.minLifeMs", 250);
    private static final int MAX_LIFE_MS = Integer.getInteger("bbq.soak.maxLifeMs", 1200);
    private static final long FINAL_FRAMES = 20_000;
    private static final long WEDGE_MILLIS = 10_000;
    private static final int CAPACITY = 16 * 1024;

    @TempDir
    Path dir;

    /** One side: its current process and what the test knows about it. */
    private final class Side {
        final String name;
        final Path log;
        Process process;
        long startedAt;
        long killAt;
        int kills;
        /** Consumer: processes that closed the consumer (holding a frame) and ended, when asked to. */
        int closes;
        int starts;
        /** Producer: the current run. */
        int run;
        /** Progress over all this side's processes: commits of all producer runs, or deliveries. */
        long progress;
        /**
         * How long this side has gone without progress while it should have made some: summed over
         * restarts, so that a wedge shows although each process lives about a second, but counting
         * only time in which the processes concerned had attached, so that slow JVM start-ups (a
         * loaded machine, a Raspberry Pi) are not taken for a wedge. For the consumer: while one is
         * attached and committed frames wait. For the producer: while a producer and a consumer
         * are attached.
         */
        long stall;
        long maxStall;
        /** Consumer: the ledger's count of attached consumer processes when this one started. */
        long attachedBefore;
        boolean resumed;
        long maxResume;

        Side(String name) {
            this.name = name;
            this.log = dir.resolve(name + ".log");
        }

        void start(List<String> args, long now) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-XX:+UseSerialGC");
            command.add("-XX:TieredStopAtLevel=1"); // starts faster; C1 code is fast enough here
            command.add("-Xmx64m");
            if (starts % 2 == 1) {
                // Every other process in chaos mode: random pauses between the state machine's steps
                // (between a frame's index and its flag, between reading and releasing, ...), so that
                // more kills land inside a commit or a release.
                command.add("-Dbbq.chaos=true");
            }
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(RestartSoakChild.class.getName());
            command.addAll(args);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            starts++;
            startedAt = now;
            resumed = false;
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL on Linux: no close, no shutdown hooks, maybe mid-commit
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                fail(name + " did not die after SIGKILL");
            }
            kills++;
        }

        /** Asks the consumer to close (holding a frame) and end, and waits for it. */
        void close() throws IOException, InterruptedException {
            process.getOutputStream().write("close\n".getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            if (!process.waitFor(WEDGE_MILLIS, TimeUnit.MILLISECONDS)) {
                fail("the consumer did not close and end in " + WEDGE_MILLIS + " ms" + diagnostics());
            }
            if (process.exitValue() != 0) {
                fail("the consumer, asked to close, exited with " + process.exitValue() + diagnostics());
            }
            closes++;
        }

        /**
         * Notes progress, or {@code millis} more of stall if this side was {@code due} to make some.
         *
         * @return false if it has now stalled longer than {@code WEDGE_MILLIS}
         */
        boolean observe(long value, long now, boolean due, long millis) {
            if (value != progress) {
                progress = value;
                stall = 0;
                if (!resumed) {
                    resumed = true;
                    maxResume = Math.max(maxResume, now - startedAt);
                }
            } else if (due) {
                stall += millis;
                maxStall = Math.max(maxStall, stall);
            }
            return stall <= WEDGE_MILLIS;
        }
    }

    private Path queueFile;
    private Path producerLedgerFile;
    private Path consumerLedgerFile;
    private ByteBuffer producerLedger;
    private ByteBuffer consumerLedger;
    private Side producer;
    private Side consumer;

    private boolean raw;
    private int consumerStops;

    /** A failed soak leaves its children running: they are killed here, before the temporary directory goes. */
    @AfterEach
    void killChildren() throws InterruptedException {
        for (Side side : new Side[] {producer, consumer}) {
            if (side != null && side.process != null) {
                side.process.destroyForcibly();
                side.process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void producerAndConsumerProcessesKilledAndRestartedLoseNothingAndNeverWedge() throws Exception {
        soak(false, KILLS);
    }

    /** The same with a raw queue: each frame a record written through one grant and committed whole. */
    @Test
    void theSameWithARawQueue() throws Exception {
        Assumptions.assumeTrue(RAW_KILLS > 0, "bbq.soak.rawKills is 0");
        soak(true, RAW_KILLS);
    }

    private void soak(boolean raw, int kills) throws Exception {
        this.raw = raw;
        long seed = Long.getLong("bbq.soak.seed", System.nanoTime());
        Random random = new Random(seed);
        queueFile = dir.resolve("queue");
        BBQueue.createMapped(queueFile, CAPACITY); // no half taken here: both belong to the children
        producerLedgerFile = dir.resolve("producer.ledger");
        consumerLedgerFile = dir.resolve("consumer.ledger");
        producerLedger = SoakLedger.map(producerLedgerFile, SoakLedger.PRODUCER_LEDGER_BYTES);
        consumerLedger = SoakLedger.map(consumerLedgerFile, SoakLedger.CONSUMER_LEDGER_BYTES);
        producer = new Side("producer");
        consumer = new Side("consumer");
        long began = System.nanoTime();

        // The soak: each side killed at a random moment of its life and started again at once; every
        // eighth consumer is asked to close instead (holding a frame), which must not stop the producer
        // either, and whose frame the next consumer must get again.
        long now = millis();
        startProducer(-1, now);
        producer.killAt = now + life(random);
        startConsumer(false, now);
        consumer.killAt = now + life(random);
        while (producer.kills < kills || consumer.kills < kills) {
            now = millis();
            watch(now);
            if (now >= producer.killAt) {
                producer.kill();
                now = millis();
                startProducer(-1, now);
                producer.killAt = now + life(random);
            }
            if (now >= consumer.killAt) {
                if (++consumerStops % 8 == 0) {
                    consumer.close(); // a consumer that closes is no more the end of the producer than one that dies
                } else {
                    consumer.kill();
                }
                now = millis();
                startConsumer(false, now);
                consumer.killAt = now + life(random);
            }
            Thread.sleep(5);
        }
        producer.kill();
        consumer.kill();
        long soakMillis = (System.nanoTime() - began) / 1_000_000;

        // The clean end: a last producer writes FINAL_FRAMES frames and closes; the consumer reads to the end.
        now = millis();
        startConsumer(true, now);
        startProducer(FINAL_FRAMES, now);
        long deadline = now + 120_000;
        while (producer.process.isAlive() || consumer.process.isAlive()) {
            now = millis();
            if (now > deadline) {
                fail("the clean run did not finish in 120 s" + diagnostics());
            }
            watchWedges(now);
            Thread.sleep(5);
        }
        watchWedges(millis());
        for (Side side : new Side[] {producer, consumer}) {
            if (side.process.exitValue() != 0) {
                fail("the last " + side.name + " exited with " + side.process.exitValue() + diagnostics());
            }
        }

        QueueFileStatus status = QueueFileStatus.read(queueFile);
        SoakLedger.Verdict verdict = SoakLedger.verify(producerLedger, consumerLedger, producer.run,
                consumer.kills + consumer.closes, FINAL_FRAMES);
        long total = (System.nanoTime() - began) / 1_000_000;
        System.out.println("[restart soak" + (raw ? ", raw" : "") + "] JDK " + Runtime.version().feature() + ", seed "
                + seed + ": "
                + producer.kills + " producer kills (" + producer.starts + " producer processes, " + producer.run
                + " runs), " + consumer.kills + " consumer kills and " + consumer.closes + " consumer closes ("
                + SoakLedger.get(consumerLedger, SoakLedger.CLOSED_HOLDING) + " holding a frame; "
                + consumer.starts + " consumer processes, "
                + SoakLedger.get(consumerLedger, SoakLedger.STARTS) + " attached; "
                + SoakLedger.get(consumerLedger, SoakLedger.GONE_SEEN) + " saw the producer gone); " + verdict
                + "; max consumer resume " + consumer.maxResume + " ms, max producer resume " + producer.maxResume
                + " ms (start to first progress), longest consumer stall (attached, frames waiting) "
                + consumer.maxStall + " ms, longest producer stall (both attached, no commit) " + producer.maxStall
                + " ms; queue file status: "
                + status.framesCut() + " frames cut by a death and skipped, " + status.producerAttaches()
                + " producer and " + status.consumerAttaches() + " consumer attaches, "
                + (raw ? status.stats().bytesCommitted() + " bytes committed and " + status.stats().bytesReleased()
                : status.stats().framesCommitted() + " frames committed and " + status.stats().framesReleased())
                + " released by its counters; soak " + soakMillis + " ms, total " + total + " ms");
        if (!verdict.problems.isEmpty()) {
            fail("the ledgers show:\n  " + String.join("\n  ", verdict.problems) + diagnostics());
        }
        assertTrue(verdict.duplicates <= consumer.kills + consumer.closes);
        assertTrue(status.framesCut() <= producer.kills, "a death cuts at most one commit");
        assertFalse(status.isProducerHeld() || status.isConsumerHeld(), "every process has ended: " + status);
        assertTrue(status.isProducerClosed(), "the last producer closed: " + status);
        assertTrue(producer.kills >= kills && consumer.kills >= kills);
    }

    private long life(Random random) {
        return MIN_LIFE_MS + random.nextInt(MAX_LIFE_MS - MIN_LIFE_MS + 1);
    }

    private static long millis() {
        return System.nanoTime() / 1_000_000;
    }

    private void startProducer(long limit, long now) throws IOException {
        producer.run++;
        if (producer.run >= SoakLedger.MAX_RUNS) {
            fail("more than " + SoakLedger.MAX_RUNS + " producer runs");
        }
        producer.start(List.of("produce", queueFile.toString(), producerLedgerFile.toString(),
                Integer.toString(producer.run), Long.toString(limit), raw ? "raw" : "framed"), now);
    }

    private void startConsumer(boolean toEnd, long now) throws IOException {
        consumer.attachedBefore = SoakLedger.get(consumerLedger, SoakLedger.STARTS);
        consumer.start(List.of("consume", queueFile.toString(), consumerLedgerFile.toString(), toEnd ? "1" : "0",
                raw ? "raw" : "framed"), now);
    }

    /** During the soak: no child ends unless killed, and nothing wedges. */
    private void watch(long now) throws IOException {
        for (Side side : new Side[] {producer, consumer}) {
            if (!side.process.isAlive()) {
                fail("the " + side.name + " process ended by itself with status " + side.process.exitValue()
                        + " (after " + producer.kills + " producer kills and " + consumer.kills + " consumer kills)"
                        + diagnostics());
            }
        }
        watchWedges(now);
    }

    private long lastWatch = millis();

    private void watchWedges(long now) throws IOException {
        long millis = now - lastWatch;
        lastWatch = now;
        boolean producerAttached = producer.process.isAlive()
                && SoakLedger.get(producerLedger, SoakLedger.ATTACHED_RUN) == producer.run;
        boolean consumerAttached = consumer.process.isAlive()
                && SoakLedger.get(consumerLedger, SoakLedger.STARTS) > consumer.attachedBefore;
        if (!producer.observe(committed(), now, producerAttached && consumerAttached, millis)) {
            fail("no producer committed anything for " + producer.stall + " ms with both sides attached (now run "
                    + producer.run + ")" + diagnostics());
        }
        long owed = owed();
        if (owed == 0) {
            consumer.stall = 0; // nothing to read is no stall
        }
        if (!consumer.observe(SoakLedger.get(consumerLedger, SoakLedger.DELIVERED), now, consumerAttached && owed > 0,
                millis)) {
            fail("the consumer delivered nothing for " + consumer.stall + " ms attached while " + owed
                    + " committed frames waited" + diagnostics());
        }
    }

    /** Frames whose commit returned, in all runs. */
    private long committed() {
        long committed = 0;
        for (int run = 1; run <= producer.run; run++) {
            committed += SoakLedger.committed(producerLedger, run);
        }
        return committed;
    }

    /** Frames whose commit returned and that no consumer has delivered yet. */
    private long owed() {
        long owed = 0;
        for (int run = 1; run <= producer.run; run++) {
            owed += Math.max(0, SoakLedger.committed(producerLedger, run) - SoakLedger.delivered(consumerLedger, run));
        }
        return owed;
    }

    private String diagnostics() throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("\nconsumer ledger: delivered ").append(SoakLedger.get(consumerLedger, SoakLedger.DELIVERED))
                .append(", duplicates ").append(SoakLedger.get(consumerLedger, SoakLedger.DUPLICATES))
                .append(", violations ").append(SoakLedger.get(consumerLedger, SoakLedger.VIOLATIONS))
                .append(" (first: ").append(SoakLedger.firstViolation(consumerLedger)).append(")");
        b.append("\nruns (committed/delivered):");
        for (int run = Math.max(1, producer.run - 8); run <= producer.run; run++) {
            b.append(' ').append(run).append(':').append(SoakLedger.committed(producerLedger, run)).append('/')
                    .append(SoakLedger.delivered(consumerLedger, run));
        }
        for (Side side : new Side[] {producer, consumer}) {
            b.append("\nlast lines of ").append(side.name).append(".log:");
            if (Files.exists(side.log)) {
                List<String> lines = Files.readAllLines(side.log, StandardCharsets.UTF_8);
                for (String line : lines.subList(Math.max(0, lines.size() - 25), lines.size())) {
                    b.append("\n    ").append(line);
                }
            }
        }
        return b.toString();
    }
}
