package dev.bbq.bench;

import java.util.SplittableRandom;

/**
 * The message sizes every candidate is measured with: the same seeded sequence of 64 Ki sizes,
 * cycled, for producer and consumer alike (the consumer checks each message's size against it).
 */
public enum Workload {
    /** Every message 64 bytes. */
    FIXED_64(64, 64),
    /** Every message 256 bytes. */
    FIXED_256(256, 256),
    /** Uniform 32 to 96 bytes, mean 64. */
    UNIFORM_32_96(32, 96),
    /** Uniform 128 to 384 bytes, mean 256. */
    UNIFORM_128_384(128, 384),
    /** 90% of 48 bytes, 10% of 1 KiB: exercises wraps and skipped tails. */
    BIMODAL_48_1K(48, 1024);

    /** Sizes cycle with this period (a power of two). */
    static final int PERIOD = 1 << 16;

    private final int min;
    private final int max;

    Workload(int min, int max) {
        this.min = min;
        this.max = max;
    }

    /** The largest message. */
    public int maxSize() {
        return max;
    }

    /** A fresh copy of the size sequence (seeded: identical on every call). */
    public int[] sizes() {
        int[] sizes = new int[PERIOD];
        SplittableRandom random = new SplittableRandom(0xB0B0_CAFEL + ordinal());
        for (int i = 0; i < PERIOD; i++) {
            if (this == BIMODAL_48_1K) {
                sizes[i] = random.nextInt(10) == 0 ? max : min;
            } else {
                sizes[i] = min == max ? min : min + random.nextInt(max - min + 1);
            }
        }
        return sizes;
    }

    /** The mean size of the sequence. */
    public double meanSize() {
        long sum = 0;
        for (int s : sizes()) {
            sum += s;
        }
        return (double) sum / PERIOD;
    }
}
