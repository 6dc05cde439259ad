package dev.bbq;

import java.nio.ByteBuffer;

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
public final class ReusableWriteGrant extends ReusableGrant implements AutoCloseable {
    /** A reusable write grant that holds nothing yet. */
    public ReusableWriteGrant() {
        super(true, "reusable write grant");
    }

    /**
     * Called by a producer with where its ring opened a grant of {@code length} bytes, or a negative
     * {@code start} when it opened none (refused, or the wait ran out).
     *
     * @return whether this object now holds the grant
     */
    boolean open(Ring ring, int start, int width, int length) {
        if (start < 0) {
            return false;
        }
        take(ring, start, width, length);
        return true;
    }

    /**
     * Whether this object holds an open grant: granted into and not yet committed or closed (also
     * false once the producer has closed).
     *
     * @return {@code true} while a grant is open
     */
    public boolean isOpen() {
        return holdsOpenGrant();
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
        ended(r);
    }

    @Override
    public String toString() {
        return "ReusableWriteGrant[" + (width == 0 ? "length=" : "maxLength=") + length
                + (isOpen() ? ", open]" : ", ended]");
    }
}

