package dev.bbq;

import java.nio.ByteBuffer;

/**
 * What the producer's one-shot grants ({@link WriteGrant}, {@link FrameGrant}) share: the room they
 * hold in the ring, the check of every call against the producer's {@link GrantIds}, the view-free
 * accessors and {@code close}. A subclass adds its size's name and its commit.
 *
 * <p>These objects are meant to be scalar-replaced (see {@link Ring}, "Grants"): the fields are
 * final, every method is small and only passes primitives and the ring on, and no method is
 * overridden, so each call is a direct call that C2 inlines at the grant's allocation site.
 */
abstract class OneShotWriteGrant implements AutoCloseable {
    final Ring ring;
    final long id;
    /** Where the grant's bytes start in the ring (after a frame's header). */
    final int first;
    /** How many bytes the grant holds. */
    final int room;

    OneShotWriteGrant(Ring ring, long id, int first, int room) {
        this.ring = ring;
        this.id = id;
        this.first = first;
        this.room = room;
    }

    /**
     * A new view of the granted bytes: position 0, limit and capacity equal to the grant's room, so
     * nothing outside the grant (a frame's header included) can be reached through it. For a heap
     * queue {@code array()} and {@code arrayOffset()} give the backing array for array-based device
     * APIs. Byte order is big-endian, as for any new buffer.
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
        return ring.producerSlice(first, room);
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
     * The ring's backing array (the whole ring, not only this grant: write only from
     * {@code arrayOffset()} up to the grant's room past it).
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
     * Where the grant's bytes start in {@link #array()}: the ring's offset in its array plus their
     * position in the ring (after a frame's header).
     *
     * @return the index of the grant's first byte in {@link #array()}
     * @throws IllegalStateException if the grant has ended
     */
    public int arrayOffset() {
        ring.writes.check(id);
        return ring.arrayOffset(first);
    }

    /**
     * Copies {@code len} bytes of {@code src} from {@code off} into the grant at {@code index},
     * without creating a buffer view (so without an allocation, whatever the JIT inlines).
     *
     * @param index where in the grant, 0 to the grant's room
     * @param src the bytes
     * @param off where they start in {@code src}
     * @param len how many there are
     * @throws IndexOutOfBoundsException if a range is outside {@code src} or outside the grant
     * @throws IllegalStateException if the grant has ended
     */
    public void put(int index, byte[] src, int off, int len) {
        ring.writes.check(id);
        GrantBytes.put(ring, first, room, index, src, off, len);
    }

    /**
     * Writes {@code value} big-endian (network order) at {@code index}, without a buffer view: a
     * header field, a timestamp or a sequence number next to bytes copied with {@link #put}.
     *
     * @param index where in the grant, 0 to the grant's room - 4
     * @param value the int
     * @throws IndexOutOfBoundsException if the four bytes are not all inside the grant
     * @throws IllegalStateException if the grant has ended
     */
    public void putInt(int index, int value) {
        ring.writes.check(id);
        GrantBytes.putInt(ring, first, room, index, value);
    }

    /**
     * Writes {@code value} big-endian (network order) at {@code index}, without a buffer view.
     *
     * @param index where in the grant, 0 to the grant's room - 8
     * @param value the long
     * @throws IndexOutOfBoundsException if the eight bytes are not all inside the grant
     * @throws IllegalStateException if the grant has ended
     */
    public void putLong(int index, long value) {
        ring.writes.check(id);
        GrantBytes.putLong(ring, first, room, index, value);
    }

    /**
     * Checks a commit of {@code used} bytes before it publishes anything.
     *
     * @return {@code used}
     */
    static int checkCommit(Ring ring, long id, int room, int used, String what) {
        ring.writes.check(id);
        if (used < 0 || used > room) {
            throw new IllegalArgumentException(what + " of " + used + " bytes: the grant holds " + room);
        }
        return used;
    }

    /** Ends the grant without publishing anything, unless it was already committed or closed. */
    @Override
    public void close() {
        ring.writes.close(id);
    }

    /** {@code name[what=room, open]}, or {@code ended]} once committed or closed. */
    final String describe(String name, String what) {
        return name + "[" + what + "=" + room + (ring.writes.isOpen(id) ? ", open]" : ", ended]");
    }
}
