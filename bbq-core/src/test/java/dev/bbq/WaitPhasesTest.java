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
        assertTrue(WaitStrategy.backoff().toString().startsWith("WaitStrategy.backoff(64, 0, 1000, 1000000; idle"),
                WaitStrategy.backoff().toString());
        assertEquals("WaitStrategy.blocking()", WaitStrategy.blocking().toString());
    }

    @Test
    void defaultBackoffParksDoublingFromOneMicrosecondToOneMillisecond() {
        BackoffWait backoff = BackoffWait.DEFAULT;
        long expected = 1_000;
        for (int parked = 0; parked < 10; parked++, expected *= 2) {
            assertEquals(expected, backoff.parkNanos(parked), "park " + parked);
        }
        for (int parked = 10; parked < 10 + BackoffWait.IDLE_AFTER_PARKS; parked++) {
            assertEquals(1_000_000, backoff.parkNanos(parked), "park " + parked);
        }
    }

    @Test
    void defaultBackoffThatStayedIdleAQuarterSecondDeepensItsParksToEightMilliseconds() {
        BackoffWait backoff = BackoffWait.DEFAULT;
        int idle = 10 + BackoffWait.IDLE_AFTER_PARKS;
        long parkedSoFar = 0;
        for (int parked = 0; parked < idle; parked++) {
            parkedSoFar += backoff.parkNanos(parked);
        }
        assertTrue(parkedSoFar >= 250_000_000L && parkedSoFar < 260_000_000L, "idle after " + parkedSoFar + " ns");
        assertEquals(2_000_000, backoff.parkNanos(idle));
        assertEquals(4_000_000, backoff.parkNanos(idle + 1));
        assertEquals(8_000_000, backoff.parkNanos(idle + 2));
        assertEquals(8_000_000, backoff.parkNanos(Integer.MAX_VALUE - 64), "the deepest park stays at the cap");
    }

    @Test
    void anExplicitBackoffKeepsTheCapItWasGiven() {
        BackoffWait backoff = (BackoffWait) WaitStrategy.backoff(0, 0, 1_000, 1_000_000);
        assertEquals("WaitStrategy.backoff(0, 0, 1000, 1000000)", backoff.toString());
        for (int parked : new int[] {10, 1_000, 100_000, Integer.MAX_VALUE}) {
            assertEquals(1_000_000, backoff.parkNanos(parked), "park " + parked);
        }
        assertEquals(Long.MAX_VALUE >> 1, ((BackoffWait) WaitStrategy.backoff(0, 0, 1, Long.MAX_VALUE >> 1))
                .parkNanos(Integer.MAX_VALUE), "doubling never overflows past the cap");
    }

    @Test
    void aWaitThatPausedTwoToTheThirtyOneTimesStaysInItsDeepestPhaseInsteadOfSpinningAgain() {
        assertEquals(1, Waiting.nextRound(0));
        assertEquals(Integer.MAX_VALUE, Waiting.nextRound(Integer.MAX_VALUE - 1));
        assertEquals(Integer.MAX_VALUE, Waiting.nextRound(Integer.MAX_VALUE), "no wrap to a negative round");
        RecordingWaiter waiter = new RecordingWaiter();
        WaitStrategy.blocking().pause(Waiting.nextRound(Integer.MAX_VALUE), 1_000L, waiter);
        assertEquals(1, waiter.parkedFor.size(), "a blocking wait that long still parks");
    }
}
