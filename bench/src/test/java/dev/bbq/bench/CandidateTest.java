package dev.bbq.bench;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every candidate's adapter delivers every message, in order and intact, with two threads and in
 * both wait modes, before any of it is timed; and the checker does catch a lost message.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CandidateTest {
    private static final int MESSAGES = 200_000;

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Candidate candidate : Candidate.values()) {
            for (Mode mode : Mode.values()) {
                cases.add(Arguments.of(candidate, Workload.BIMODAL_48_1K, mode));
            }
            cases.add(Arguments.of(candidate, Workload.UNIFORM_32_96, Mode.SPIN));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void everyMessageArrivesInOrderAndIntact(Candidate candidate, Workload workload, Mode mode) throws Exception {
        int[] sizes = workload.sizes();
        try (Channel channel = candidate.open(workload, 64 * 1024, mode)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread producer = new Thread(() -> {
                try {
                    for (long seq = 0; seq < MESSAGES && failure.get() == null; ) {
                        if (channel.offer(seq, sizes[(int) (seq & (Workload.PERIOD - 1))])) {
                            seq++;
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            producer.start();
            Checker checker = new Checker(sizes);
            while (checker.expected() < MESSAGES && failure.get() == null) {
                if (channel.poll(checker) == 0) {
                    Thread.onSpinWait();
                }
            }
            producer.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(MESSAGES, checker.expected());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lossy")
    void theCheckerCatchesALostMessage(Candidate candidate) {
        int[] sizes = Workload.FIXED_64.sizes();
        try (Channel channel = candidate.open(Workload.FIXED_64, 64 * 1024, Mode.SPIN)) {
            channel.offer(0, 64);
            channel.offer(2, 64); // message 1 never sent
            Checker checker = new Checker(sizes);
            assertThrows(IllegalStateException.class, () -> {
                while (checker.expected() < 2) {
                    channel.poll(checker);
                }
            });
        }
    }

    static List<Candidate> lossy() {
        return List.of(Candidate.values());
    }
}
