package dev.bbq;

/**
 * One side's grant bookkeeping, used twice (the producer's write grants, the consumer's read
 * grants): at most one grant open at a time, with ids that are never reused, so that a grant object
 * kept past its commit or release is recognised as stale even after newer grants were made. Only
 * its side's thread touches it; it is padded (see {@link LinePad}) because that thread writes it on
 * every grant and the other side's thread writes its own twin.
 *
 * <p>Grant objects are small and immutable, and every method on them is a few bytecodes that pass
 * primitives on to a static helper, to this class or to {@link Ring}; their buffers are cut fresh on
 * each {@code buffer()} call and never stored in a field. That keeps everything inlinable and every
 * object local, so that C2's escape analysis scalar-replaces grants and their buffers in a caller's
 * loop (JDK 17's C2 does not scalar-replace a buffer held in another object's field, JDK 25's does):
 * the steady state allocates nothing, yet each grant keeps its own identity.
 */
final class GrantIds extends GrantIdsPad {
    /** No grant is open. */
    static final long NONE = 0L;
    /**
     * The open id of a side that has closed: never an id, so the "no grant open" check that every
     * call makes also refuses a closed side, at no extra cost on the hot path.
     */
    static final long CLOSED = -1L;

    /** "write" or "read", for messages. */
    private final String kind;
    /** What ends a grant of this kind normally: "commit" or "release", and its past. */
    private final String ending;
    private final String ended;
    /** "producer" or "consumer". */
    private final String side;

    private GrantIds(String kind, String ending, String ended, String side) {
        this.kind = kind;
        this.ending = ending;
        this.ended = ended;
        this.side = side;
    }

    static GrantIds forWrites() {
        return new GrantIds("write", "commit", "committed", "producer");
    }

    static GrantIds forReads() {
        return new GrantIds("read", "release", "released", "consumer");
    }

    /** Throws unless no grant is open and the side is not closed. */
    void checkNone() {
        if (open != NONE) {
            throw busy();
        }
    }

    // The exceptions are built out of line: the checks inline into every grant call, and a string
    // concatenation there is enough code to cost C2 the scalar replacement of a caller's grant.
    private RuntimeException busy() {
        return open == CLOSED ? new QueueClosedException("the " + side + " is closed")
                : new IllegalStateException("a " + kind + " grant is already open: " + ending + " or close it first");
    }

    /** Whether no grant is open (and the side is not closed). */
    boolean none() {
        return open == NONE;
    }

    /** Opens a grant under a new id. */
    void open() {
        open = ++issued;
    }

    /** The open grant's id, {@link #NONE} or {@link #CLOSED}. */
    long id() {
        return open;
    }

    /** Whether grant {@code id} is still the open one. */
    boolean isOpen(long id) {
        return open == id;
    }

    /** Throws unless grant {@code id} is the open one. */
    void check(long id) {
        if (open != id) {
            throw stale();
        }
    }

    private IllegalStateException stale() {
        return new IllegalStateException("this " + kind + " grant is no longer open: it was " + ended + " or closed");
    }

    /** Ends the open grant (its commit or release was published). */
    void end() {
        open = NONE;
    }

    /** Ends grant {@code id} if it is still the open one: closing a grant twice, or late, does nothing. */
    void close(long id) {
        if (open == id) {
            open = NONE;
        }
    }

    /** The side has closed: an open grant is abandoned, and no grant opens again. */
    void closeSide() {
        open = CLOSED;
    }
}

abstract class GrantIdsFields extends LinePad {
    /** Id of the open grant, {@link GrantIds#NONE} or {@link GrantIds#CLOSED}. */
    long open;
    /** Ids handed out so far. */
    long issued;
}

abstract class GrantIdsPad extends GrantIdsFields {
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
    byte q064, q065, q066, q067, q068, q069, q070, q071, q072, q073, q074, q075, q076, q077, q078, q079;
    byte q080, q081, q082, q083, q084, q085, q086, q087, q088, q089, q090, q091, q092, q093, q094, q095;
    byte q096, q097, q098, q099, q100, q101, q102, q103, q104, q105, q106, q107, q108, q109, q110, q111;
    byte q112, q113, q114, q115, q116, q117, q118, q119, q120, q121, q122, q123, q124, q125, q126, q127;
}
