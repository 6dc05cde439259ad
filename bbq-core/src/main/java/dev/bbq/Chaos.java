package dev.bbq;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Chaos mode for stress tests: with {@code -Dbbq.chaos=true} the state machine pauses at random
 * between its steps (a few spin-waits, a yield, or a short park), which widens every race window
 * the way bbqueue's unmerged {@code chaos-engineering} branch did. Off by default: {@link #ENABLED}
 * is a constant, so C2 removes every call when it is false.
 */
final class Chaos {
    /** Read once at class initialisation. */
    static final boolean ENABLED = Boolean.getBoolean("bbq.chaos");

    private Chaos() {
    }

    /** A random pause between two steps of the state machine, in chaos mode only. */
    static void pause() {
        if (ENABLED) {
            pauseNow();
        }
    }

    private static void pauseNow() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int dice = random.nextInt(100);
        if (dice < 50) {
            return;
        }
        if (dice < 80) {
            for (int i = random.nextInt(64); i >= 0; i--) {
                Thread.onSpinWait();
            }
        } else if (dice < 96) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(1_000 + random.nextInt(50_000));
        }
    }
}
