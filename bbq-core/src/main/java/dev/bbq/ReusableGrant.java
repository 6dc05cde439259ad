package dev.bbq;

import java.util.Objects;

/**
 * What the caller-owned grant holders ({@link ReusableWriteGrant}, {@link ReusableReadGrant},
 * {@link FrameBatch}) share: which ring and grant they hold, the staleness check of every call
 * against their side's {@link GrantIds}, and ending or closing what they hold ({@code close()} is
 * their public one). The fields every
 * grant rewrites sit in a padded block (see {@link LinePad}), away from whatever the allocator puts
 * next to the holder.
 */
abstract class ReusableGrant extends ReusableGrantPad implements AutoCloseable {
    /** Never a grant id: a side's open id is a positive id, GrantIds.NONE or GrantIds.CLOSED. */
    static final long ENDED = Long.MIN_VALUE;

    /** Whether this holder takes write grants (else read grants). */
    private final boolean writes;
    /** What the holder is called in messages: "reusable write grant", "batch", ... */
    private final String name;
    /** How its grants end normally: "committed" or "released". */
    private final String ending;
    /** How a call is told what to do first: "commit" or "release". */
    private final String end;

    ReusableGrant(boolean writes, String name) {
        this.writes = writes;
        this.name = name;
        this.ending = writes ? "committed" : "released";
        this.end = writes ? "commit" : "release";
    }

    /** Called by a half before granting into {@code grant}: it must hold no open grant. */
    static void checkFree(ReusableGrant grant) {
        Objects.requireNonNull(grant, "grant");
        if (grant.holdsOpenGrant()) {
            throw new IllegalStateException("this " + grant.name + " is still open: " + grant.end
                    + " or close it first");
        }
    }

    /** Takes the grant its side of {@code ring} has just opened at {@code start}. */
    final void take(Ring ring, int start, int width, int length) {
        if (this.ring != ring) {
            // Reference stores have a GC write barrier: only when the queue changes. The side's ids
            // are kept beside the ring so that every call's check is one load, as before they moved
            // out of Ring (through ring.writes it measured 10 % more CPU per reusable message).
            this.ring = ring;
            this.ids = writes ? ring.writes : ring.reads;
        }
        this.id = ids.id();
        this.start = start;
        this.width = width;
        this.length = length;
    }

    /** Whether this holder's grant is still the open one of its side. */
    final boolean holdsOpenGrant() {
        return id != ENDED && ids.isOpen(id);
    }

    /** The ring, after checking that this holder's grant is still open. */
    final Ring openRing() {
        Ring r = ring;
        if (r == null || !ids.isOpen(id)) { // ENDED is never an id
            throw notOpen(r == null);
        }
        return r;
    }

    private IllegalStateException notOpen(boolean never) {
        return new IllegalStateException(never ? "this " + name + " has not been " + (writes ? "granted" : "read")
                + " into yet" : "this " + name + " holds no open grant: it was " + ending + " or closed");
    }

    /** The grant's commit or release was published: it ends. */
    final void ended(Ring r) {
        ids.end();
        id = ENDED;
    }

    /**
     * Ends the grant this object holds (a batch's frames included) without publishing or releasing
     * anything; does nothing if it holds no open grant.
     */
    @Override
    public final void close() {
        if (id != ENDED) {
            ids.close(id);
            id = ENDED;
        }
    }
}

abstract class ReusableGrantFields extends LinePad {
    Ring ring;
    /** The ring's write or read grant ids, whichever side this holder takes. */
    GrantIds ids;
    long id = ReusableGrant.ENDED;
    /** Where the grant starts in the ring (a write grant's header, a read grant's payload). */
    int start;
    /** A frame write grant's header width; 0 otherwise. */
    int width;
    int length;
    /** A read grant: whether it holds a frame, released whole. */
    boolean frame;
    /** A batch: where the next frame goes, how many were appended, and the first one's flag. */
    int position;
    int frames;
    byte first;
}

abstract class ReusableGrantPad extends ReusableGrantFields {
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
    byte q064, q065, q066, q067, q068, q069, q070, q071, q072, q073, q074, q075, q076, q077, q078, q079;
    byte q080, q081, q082, q083, q084, q085, q086, q087, q088, q089, q090, q091, q092, q093, q094, q095;
    byte q096, q097, q098, q099, q100, q101, q102, q103, q104, q105, q106, q107, q108, q109, q110, q111;
    byte q112, q113, q114, q115, q116, q117, q118, q119, q120, q121, q122, q123, q124, q125, q126, q127;
}
