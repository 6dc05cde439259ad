package dev.bbq;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parking strategies go from spinning straight to parking: a yield just before a park makes the
 * wake-up late whenever the waker keeps its core (docs/performance.md, "Waking").
 */
class WaitPhasesTest {
    /** Records each park instead of parking. */
    private static final class RecordingWaiter implements Waiter {
        final List<Integer> parkedAtRound = new ArrayList<>();
        final List<Long> parkedFor = new ArrayList<>();
        int round;

        @Override
        public void park(long maxNanos) {
            parkedAtRound.add(round);
            parkedFor.add(maxNanos);
        }
    }

    @Test
    void blockingSpins64TimesAndThenParksOnEveryPauseWithTheTimeLeft() {
        RecordingWaiter waiter = new RecordingWaiter();
        for (int round = 0; round < 80; round++) {
            waiter.round = round;
            long t0 = System.nanoTime();
            WaitStrategy.blocking().pause(round, 5_000_000L, waiter);
            if (round < 64) {
                // a spin is a pause of nanoseconds, not a yield or a park; generous for a loaded machine
                assertTrue(System.nanoTime() - t0 < 50_000_000L, "round " + round);
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int round = 64; round < 80; round++) {
            expected.add(round);
        }
        assertEquals(expected, waiter.parkedAtRound, "the first park comes right after the spins");
        assertTrue(waiter.parkedFor.stream().allMatch(n -> n == 5_000_000L));
    }

    @Test
    void backoffHasNoYieldPhaseByDefault() {
        assertEquals("WaitStrategy.backoff(64, 0, 1000, 1000000)", WaitStrategy.backoff().toString());
        assertEquals("WaitStrategy.blocking()", WaitStrategy.blocking().toString());
    }
}
