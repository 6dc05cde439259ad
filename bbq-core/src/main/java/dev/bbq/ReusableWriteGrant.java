package dev.bbq;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A write grant that the caller owns and the producer fills in again on every grant, so that
 * granting allocates nothing on any JDK and in any loop shape. Pass one to
 * {@link Producer#tryGrantExact(int, ReusableWriteGrant)}, {@link Producer#tryGrantMax(int, ReusableWriteGrant)}
 * or {@link FrameProducer#tryGrant(int, ReusableWriteGrant)} (or their blocking forms); they return
 * whether a grant was made, and when it was, this object holds it until {@link #commit(int)} or
 * {@link #close()}.
 *
 * <pre>{@code
 * ReusableWriteGrant grant = new ReusableWriteGrant();    // once, next to the driver loop
 * while (running) {
 *     if (producer.tryGrantMax(512, grant)) {
 *         int n = port.readBytes(grant.array(), grant.length(), grant.arrayOffset());
 *         grant.commit(Math.max(n, 0));
 *     }
 * }
 * }</pre>
 *
 * <p>{@link WriteGrant} and {@link FrameGrant} are fresh objects that C2 removes from the heap only
 * in some loop shapes (see the user guide, "Allocation"); this class trades that for reuse. A grant
 * held here has the same rules as theirs: nothing is visible before the commit, a commit of fewer
 * bytes returns the rest to the free space, a frame commit publishes one frame, and
 * {@code close()} without a commit publishes nothing. Once committed or closed, its accessors and
 * {@code commit} throw {@link IllegalStateException} ({@code close()} does nothing) until the object is
 * granted into again; the staleness check is per grant, so a copy of an old reference that now
 * holds a newer grant is that newer grant.
 *
 * <p>An instance is not thread-safe: use it on the producer's thread. It may move between queues,
 * but only while it holds no open grant.
 */
public final class ReusableWriteGrant extends ReusableWriteGrantPad implements AutoCloseable {
    /** A reusable write grant that holds nothing yet. */
    public ReusableWriteGrant() {
    }

    /** Called by a producer before granting into this object: it must hold no open grant. */
    static ReusableWriteGrant checkFree(ReusableWriteGrant grant) {
        Objects.requireNonNull(grant, "grant");
        if (grant.isOpen()) {
            throw new IllegalStateException("this reusable write grant is still open: commit or close it first");
        }
        return grant;
    }

    /** Called by a producer once its ring has opened a grant of {@code length} bytes at {@code start}. */
    void open(Ring ring, int start, int width, int length) {
        if (this.ring != ring) {
            this.ring = ring; // a reference store has a GC write barrier: only when the queue changes
        }
        this.id = ring.writes.id();
        this.start = start;
        this.width = width;
        this.length = length;
    }

    /**
     * Whether this object holds an open grant: granted into and not yet committed or closed (also
     * false once the producer has closed).
     *
     * @return {@code true} while a grant is open
     */
    public boolean isOpen() {
        return id != ENDED && ring.writes.isOpen(id);
    }

    /**
     * The bytes granted: a raw grant's length, or the largest frame length asked for. It keeps its
     * value after the grant ends, and is 0 before the first grant.
     *
     * @return the length of the last grant made into this object
     */
    public int length() {
        return length;
    }

    /**
     * A new view of the granted bytes (for a frame, its payload; the header is outside): position 0,
     * limit and capacity equal to {@link #length()}. Each call returns a new view, which C2 can keep
     * off the heap when it does not escape the caller's compiled code; {@link #put} and
     * {@link #array()} need no view at all.
     *
     * @return a view of the granted bytes
     * @throws IllegalStateException if no grant is open
     */
    public ByteBuffer buffer() {
        return openRing().producerSlice(start + width, length);
    }

    /**
     * Whether the granted bytes live in a {@code byte[]} (a heap queue); see {@link #array()}.
     *
     * @return {@code true} for a heap queue
     * @throws IllegalStateException if no grant is open
     */
    public boolean hasArray() {
        return openRing().data.hasArray();
    }

    /**
     * The ring's backing array (the whole ring: write only {@code [arrayOffset(), arrayOffset() + length())}).
     *
     * @return the backing array
     * @throws UnsupportedOperationException if the ring is direct memory
     * @throws IllegalStateException if no grant is open
     */
    public byte[] array() {
        return openRing().array();
    }

    /**
     * Where the grant's room (for a frame, after its header) starts in {@link #array()}.
     *
     * @return the index of the grant's first byte in {@link #array()}
     * @throws IllegalStateException if no grant is open
     */
    public int arrayOffset() {
        return openRing().arrayOffset(start + width);
    }

    /**
     * Copies {@code len} bytes of {@code src} from {@code off} into the grant at {@code index}.
     *
     * @param index where in the grant, 0 to {@code length()}
     * @param src the bytes
     * @param off where they start in {@code src}
     * @param len how many there are
     * @throws IndexOutOfBoundsException if a range is outside {@code src} or outside the grant
     * @throws IllegalStateException if no grant is open
     */
    public void put(int index, byte[] src, int off, int len) {
        GrantBytes.put(openRing(), start + width, length, index, src, off, len);
    }

    /**
     * Writes {@code value} big-endian (network order) at {@code index}, without a buffer view: a
     * header field, a timestamp or a sequence number next to bytes copied with {@link #put}.
     *
     * @param index where in the grant, 0 to {@code length()} - 4
     * @param value the int
     * @throws IndexOutOfBoundsException if the four bytes are not all inside the grant
     * @throws IllegalStateException if no grant is open
     */
    public void putInt(int index, int value) {
        GrantBytes.putInt(openRing(), start + width, length, index, value);
    }

    /**
     * Writes {@code value} big-endian (network order) at {@code index}, without a buffer view.
     *
     * @param index where in the grant, 0 to {@code length()} - 8
     * @param value the long
     * @throws IndexOutOfBoundsException if the eight bytes are not all inside the grant
     * @throws IllegalStateException if no grant is open
     */
    public void putLong(int index, long value) {
        GrantBytes.putLong(openRing(), start + width, length, index, value);
    }

    /**
     * Publishes the first {@code used} bytes (of a frame grant: one frame of {@code used} bytes) and
     * ends the grant; unused room returns to the free space. {@code commit(0)} publishes nothing for
     * raw bytes and an empty frame for a frame grant, as {@link WriteGrant#commit(int)} and
     * {@link FrameGrant#commit(int)} do.
     *
     * <p>Memory consistency effects: actions in the producer's thread prior to the commit, including
     * its writes into the grant, <i>happen-before</i> actions in the consumer's thread after a read hands it
     * these bytes or this frame.
     *
     * @param used how many bytes to publish, 0 to {@link #length()}
     * @throws IllegalArgumentException if {@code used} is negative or above {@link #length()}; the
     *         grant stays open
     * @throws IllegalStateException if no grant is open
     */
    public void commit(int used) {
        Ring r = openRing();
        if (used < 0 || used > length) {
            throw new IllegalArgumentException("commit of " + used + " bytes: the grant holds " + length);
        }
        if (width == 0) {
            r.commitBytes(used);
        } else {
            r.commitFrame(start, width, used);
        }
        r.writes.end();
        id = ENDED;
    }

    /** Ends an open grant without publishing anything; does nothing if none is open. */
    @Override
    public void close() {
        if (id != ENDED) {
            ring.writes.close(id);
            id = ENDED;
        }
    }

    /** The ring of the open grant held here; throws if there is none. One compare on the hot path. */
    private Ring openRing() {
        Ring r = ring;
        if (r == null || !r.writes.isOpen(id)) { // ENDED is never an id
            throw new IllegalStateException(r == null ? "this reusable write grant has not been granted into yet"
                    : "this reusable write grant holds no open grant: it was committed or closed");
        }
        return r;
    }

    @Override
    public String toString() {
        return "ReusableWriteGrant[" + (width == 0 ? "length=" : "maxLength=") + length
                + (isOpen() ? ", open]" : ", ended]");
    }
}

/**
 * The fields a grant call writes, between padding: a reusable grant is rewritten on every grant, and
 * callers allocate it next to objects the other side reads (a handler, the other side's grant).
 */
abstract class ReusableWriteGrantFields extends LinePad {
    /** Never a grant id: a side's open id is a positive id, GrantIds.NONE or GrantIds.CLOSED. */
    static final long ENDED = Long.MIN_VALUE;

    Ring ring;
    long id = ENDED;
    /** Where the grant starts in the ring (a frame's header goes here). */
    int start;
    /** A frame's header width, 1 to 5; 0 for raw bytes. */
    int width;
    /** Bytes granted: the room of a raw grant, the largest length of a frame. */
    int length;
}

abstract class ReusableWriteGrantPad extends ReusableWriteGrantFields {
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
    byte q064, q065, q066, q067, q068, q069, q070, q071, q072, q073, q074, q075, q076, q077, q078, q079;
    byte q080, q081, q082, q083, q084, q085, q086, q087, q088, q089, q090, q091, q092, q093, q094, q095;
    byte q096, q097, q098, q099, q100, q101, q102, q103, q104, q105, q106, q107, q108, q109, q110, q111;
    byte q112, q113, q114, q115, q116, q117, q118, q119, q120, q121, q122, q123, q124, q125, q126, q127;
}
