package dev.bbq;

/**
 * What the consumer's one-shot grants ({@link ReadGrant}, {@link Frame}, {@link SplitReadGrant})
 * share: the committed bytes they hold, the check of every call against the consumer's
 * {@link GrantIds}, their length and {@code close}. {@link InPlaceReadGrant} adds the accessors of the
 * grants whose bytes are one region.
 *
 * <p>These objects are meant to be scalar-replaced (see {@link Ring}, "Grants"): the fields are
 * final, every method is small and only passes primitives and the ring on, and no method is
 * overridden, so each call is a direct call that C2 inlines at the grant's allocation site.
 */
abstract class OneShotReadGrant implements AutoCloseable {
    final Ring ring;
    final long id;
    /** Where the granted bytes start in the ring (after a frame's header). */
    final int first;
    /** How many bytes the grant hands out (a split grant's two regions together). */
    final int length;

    OneShotReadGrant(Ring ring, long id, int first, int length) {
        this.ring = ring;
        this.id = id;
        this.first = first;
        this.length = length;
    }

    /**
     * The number of committed bytes this grant hands out (a frame's without its header; both
     * regions of a split grant together): the most one release of it can free.
     *
     * @return the number of bytes granted
     */
    public int length() {
        return length;
    }

    /**
     * Checks a release of {@code n} of a grant's {@code length} bytes before it publishes anything.
     *
     * @return {@code n}
     */
    static int checkRelease(Ring ring, long id, int length, int n) {
        ring.reads.check(id);
        if (n < 0 || n > length) {
            throw new IllegalArgumentException("release of " + n + " bytes: the grant holds " + length);
        }
        return n;
    }

    /** Ends the grant without releasing anything, unless it was already released or closed. */
    @Override
    public void close() {
        ring.reads.close(id);
    }

    /** {@code name[details, open]}, or {@code ended]} once released or closed. */
    final String describe(String name, String details) {
        return name + "[" + details + (ring.reads.isOpen(id) ? ", open]" : ", ended]");
    }
}
