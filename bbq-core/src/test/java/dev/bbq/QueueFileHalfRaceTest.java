package dev.bbq;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two processes race for a half of one queue file (the producer half in odd rounds, the consumer
 * half in even ones), round after round: each round both
 * are told to go at once, each opens the file and asks for the half, and exactly one must win (the
 * half is owned through a kernel lock); the loser is told which process holds it. The winner then
 * closes what it took, which frees the half for the next round; every fifth round it is killed
 * instead (SIGKILL), and the other process must get the half at once. {@code bbq.race.rounds} sets
 * the number of rounds (100).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class QueueFileHalfRaceTest {
    private static final int ROUNDS = Integer.getInteger("bbq.race.rounds", 100);

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A child process and its pipes. */
    private final class Racer {
        final Process process;
        final BufferedReader out;
        final OutputStream in;
        final long pid;
        int wins;

        Racer(Path file) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-XX:+UseSerialGC");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(HalfRaceChild.class.getName());
            command.add(file.toString());
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            children.add(process);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = process.getOutputStream();
            String ready = line();
            assertTrue(ready.startsWith("READY "), ready);
            pid = Long.parseLong(ready.substring("READY ".length()));
            assertEquals(process.pid(), pid);
        }

        void send(String command) throws IOException {
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        String line() throws IOException {
            String line = out.readLine();
            if (line == null) {
                fail("child " + process.pid() + " ended: status " + exitStatus());
            }
            return line;
        }

        private String exitStatus() {
            try {
                return process.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }
    }

    @Test
    void twoProcessesRaceForAHalfAndExactlyOneWinsEachRound() throws Exception {
        Path file = dir.resolve("queue");
        BBQueue.createMapped(file, 64 * 1024);
        Racer a = new Racer(file);
        Racer b = new Racer(file);
        long began = System.nanoTime();
        int namedTheWinner = 0;
        int killed = 0;
        long slowestTakeover = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            // Both at once: each child opens the file and takes the half as it reads this. Odd rounds
            // race for the producer half, even rounds for the consumer half.
            String half = round % 2 == 1 ? "" : " consumer";
            a.send("go " + round + half);
            b.send("go " + round + half);
            String answerA = a.line();
            String answerB = b.line();
            boolean aWon = answerA.startsWith("WON " + round);
            boolean bWon = answerB.startsWith("WON " + round);
            String where = "round " + round + ": " + a.pid + " said \"" + answerA + "\", " + b.pid + " said \""
                    + answerB + "\"";
            if (aWon == bWon) {
                fail((aWon ? "both won" : "neither won") + ": " + where);
            }
            Racer winner = aWon ? a : b;
            String winning = aWon ? answerA : answerB;
            String losing = aWon ? answerB : answerA;
            winner.wins++;
            if (half.isEmpty()) {
                assertEquals("WON " + round + " wrote", winning, "the winner holds a working producer: " + where);
            } else {
                assertTrue(winning.equals("WON " + round + " read") || winning.equals("WON " + round + " empty"),
                        "the winner holds a working consumer: " + where);
            }
            assertTrue(losing.startsWith("LOST " + round + " "), where);
            if (losing.contains("held by process " + winner.pid)) {
                namedTheWinner++;
            } else {
                fail("the loser's message does not say \"held by process " + winner.pid + "\": " + where);
            }
            if (round % 5 == 0) {
                // Every fifth round (so both halves) the winner is killed holding the half: the kernel
                // drops its lock, and the other process takes the half at once; a new process joins the race.
                Racer loser = aWon ? b : a;
                winner.process.destroyForcibly();
                assertTrue(winner.process.waitFor(30, TimeUnit.SECONDS));
                killed++;
                loser.send("release " + round);
                assertEquals("RELEASED " + round, loser.line());
                long t0 = System.nanoTime();
                loser.send("go " + round + ".takeover" + half);
                String taken = loser.line();
                slowestTakeover = Math.max(slowestTakeover, (System.nanoTime() - t0) / 1_000_000);
                assertTrue(taken.startsWith("WON " + round + ".takeover "),
                        "the half of a killed process is free at once: " + taken);
                loser.send("release " + round);
                assertEquals("RELEASED " + round, loser.line());
                Racer fresh = new Racer(file);
                fresh.wins = winner.wins; // the tally is per seat
                if (aWon) {
                    a = fresh;
                } else {
                    b = fresh;
                }
                continue;
            }
            a.send("release " + round);
            b.send("release " + round);
            assertEquals("RELEASED " + round, a.line());
            assertEquals("RELEASED " + round, b.line());
        }
        a.send("quit");
        b.send("quit");
        long millis = (System.nanoTime() - began) / 1_000_000;
        System.out.println("[half race] JDK " + Runtime.version().feature() + ": " + ROUNDS + " rounds, seat A won "
                + a.wins + ", seat B won " + b.wins + ", exactly one winner every round, the loser named the"
                + " winner's pid in " + namedTheWinner + " (producer half in odd rounds, consumer half in even ones); "
                + killed + " winners killed holding the half, each time the other took it at once (slowest "
                + slowestTakeover + " ms); " + millis + " ms");
        assertEquals(ROUNDS, a.wins + b.wins);
        assertTrue(a.process.waitFor(30, TimeUnit.SECONDS) && b.process.waitFor(30, TimeUnit.SECONDS));
    }
}
