package dev.bbq;

import java.nio.ByteBuffer;

/**
 * A contiguous region of the ring reserved for the producer: fill it through {@link #buffer()},
 * then {@link #commit(int)} the bytes written.
 *
 * <p>Nothing is visible to the consumer before the commit. Committing fewer bytes than were
 * granted publishes only those; the rest returns to the free space. {@link #close()} without a
 * commit commits nothing, so a grant in a try-with-resources block is never left open:
 *
 * <pre>{@code
 * try (WriteGrant grant = producer.tryGrantExact(len)) {
 *     if (grant != null) {
 *         grant.buffer().put(bytes, 0, len);
 *         grant.commit(len);
 *     }
 * }
 * }</pre>
 *
 * <p>Once committed or closed the grant is dead: {@code buffer()} and {@code commit} throw
 * {@link IllegalStateException}, even after newer grants were made. Do not keep using the buffer
 * after the commit; its bytes belong to the consumer from then on.
 */
public final class WriteGrant implements AutoCloseable {
    private final Ring ring;
    private final long id;
    private final int start;
    private final int length;

    WriteGrant(Ring ring, long id, int start, int length) {
        this.ring = ring;
        this.id = id;
        this.start = start;
        this.length = length;
    }

    /**
     * A new view of the granted bytes: position 0, limit and capacity equal to {@link #length()}, so
     * nothing outside the grant can be reached through it. For a heap queue {@code array()} and
     * {@code arrayOffset()} give the backing array for array-based device APIs. Byte order is
     * big-endian, as for any new buffer.
     *
     * <p>Each call returns a new view of the same bytes, with its own position: keep the one you
     * write through ({@code ByteBuffer b = grant.buffer(); b.putLong(t).putInt(v); grant.commit(b.position());}).
     * Views are not stored in the grant so that, once inlined, neither the grant nor the view needs
     * a heap allocation.
     *
     * @return a view of exactly the granted bytes, for the producer to fill
     * @throws IllegalStateException if the grant was committed or closed
     */
    public ByteBuffer buffer() {
        ring.writes.check(id);
        return ring.producerSlice(start, length);
    }

    /**
     * The size of the grant: the most bytes one commit of it can publish.
     *
     * @return the number of bytes granted
     */
    public int length() {
        return length;
    }

    /**
     * Whether the grant's bytes live in a {@code byte[]} (a heap queue): then {@link #array()} and
     * {@link #arrayOffset()} hand them to array-based device APIs without creating a buffer view.
     *
     * @return {@code true} for a heap queue
     */
    public boolean hasArray() {
        return ring.data.hasArray();
    }

    /**
     * The ring's backing array (the whole ring, not only this grant: write only
     * {@code [arrayOffset(), arrayOffset() + length())}).
     *
     * @return the backing array
     * @throws UnsupportedOperationException if the ring is direct memory
     * @throws IllegalStateException if the grant has ended
     */
    public byte[] array() {
        ring.writes.check(id);
        return ring.array();
    }

    /**
     * Where the grant starts in {@link #array()}: the ring's offset in its array plus the grant's
     * position in the ring.
     *
     * @return the index of the grant's first byte in {@link #array()}
     * @throws IllegalStateException if the grant has ended
     */
    public int arrayOffset() {
        ring.writes.check(id);
        return ring.arrayOffset(start);
    }

    /**
     * Copies {@code len} bytes of {@code src} from {@code off} into the grant at {@code index},
     * without creating a buffer view (so without an allocation, whatever the JIT inlines).
     *
     * @param index where in the grant, 0 to {@code length()}
     * @param src the bytes
     * @param off where they start in {@code src}
     * @param len how many there are
     * @throws IndexOutOfBoundsException if a range is outside {@code src} or outside the grant
     * @throws IllegalStateException if the grant has ended
     */
    public void put(int index, byte[] src, int off, int len) {
        ring.writes.check(id);
        GrantBytes.put(ring, start, length, index, src, off, len);
    }

    /**
     * Writes {@code value} big-endian (network order) at {@code index}, without a buffer view: a
     * header field, a timestamp or a sequence number next to bytes copied with {@link #put}.
     *
     * @param index where in the grant, 0 to {@code length()} - 4
     * @param value the int
     * @throws IndexOutOfBoundsException if the four bytes are not all inside the grant
     * @throws IllegalStateException if the grant has ended
     */
    public void putInt(int index, int value) {
        ring.writes.check(id);
        GrantBytes.putInt(ring, start, length, index, value);
    }

    /**
     * Writes {@code value} big-endian (network order) at {@code index}, without a buffer view.
     *
     * @param index where in the grant, 0 to {@code length()} - 8
     * @param value the long
     * @throws IndexOutOfBoundsException if the eight bytes are not all inside the grant
     * @throws IllegalStateException if the grant has ended
     */
    public void putLong(int index, long value) {
        ring.writes.check(id);
        GrantBytes.putLong(ring, start, length, index, value);
    }


    /**
     * Publishes the first {@code used} bytes to the consumer and ends the grant; the remaining
     * {@code length() - used} bytes return to the free space. {@code commit(0)} publishes nothing.
     *
     * <p>Memory consistency effects: actions in the producer's thread prior to the commit, including
     * its writes into the grant, <i>happen-before</i> actions in the consumer's thread after a read hands it
     * these bytes.
     *
     * @param used how many of the granted bytes, counted from the first, to publish: 0 to
     *        {@link #length()}
     * @throws IllegalArgumentException if {@code used} is negative or larger than {@link #length()};
     *         the grant stays open
     * @throws IllegalStateException if the grant was already committed or closed
     */
    public void commit(int used) {
        commit(ring, id, length, used);
    }

    // Grant methods only pass primitives on, so the grant itself never escapes (see Ring, "Grants").
    private static void commit(Ring ring, long id, int length, int used) {
        ring.writes.check(id);
        if (used < 0 || used > length) {
            throw new IllegalArgumentException("commit of " + used + " bytes: the grant holds " + length);
        }
        ring.commitBytes(used);
        ring.writes.end();
    }

    /** Ends the grant without publishing anything, unless it was already committed or closed. */
    @Override
    public void close() {
        ring.writes.close(id);
    }

    @Override
    public String toString() {
        return "WriteGrant[length=" + length + (ring.writes.isOpen(id) ? ", open]" : ", ended]");
    }
}
