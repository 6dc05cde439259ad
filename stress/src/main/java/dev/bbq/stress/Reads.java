package dev.bbq.stress;

import dev.bbq.Consumer;
import dev.bbq.ReadGrant;

/** Consumer loops shared by the jcstress tests. */
final class Reads {
    private Reads() {
    }

    /**
     * Makes {@code attempts} read attempts, checking each grant against the stream from byte
     * {@code first} on and releasing it whole, and names the result: {@code "n intact"} for
     * {@code n} bytes in order, {@code "n corrupt"} if any byte was wrong.
     */
    static String upTo(Consumer consumer, int attempts, int first) {
        return Litmus.observe(() -> readUpTo(consumer, attempts, first));
    }

    private static String readUpTo(Consumer consumer, int attempts, int first) {
        int total = 0;
        boolean intact = true;
        for (int a = 0; a < attempts; a++) {
            ReadGrant grant = consumer.tryRead();
            if (grant == null) {
                continue;
            }
            String checked = Litmus.check(grant.buffer(), first + total);
            intact &= checked.endsWith("intact");
            total += grant.length();
            grant.release(grant.length());
        }
        return total + (intact ? " intact" : " corrupt");
    }
}
