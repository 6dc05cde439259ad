package dev.bbq;

import java.nio.ByteBuffer;

/**
 * A frame grant for one thread of a {@link SharedFrameProducer}, kept by that thread and granted
 * into again and again, so that building frames in place allocates nothing (a
 * {@link SharedFrameGrant} is a new object per grant). Pass it to
 * {@link SharedFrameProducer#tryGrant(int, SharedReusableGrant)} or
 * {@link SharedFrameProducer#grant(int, SharedReusableGrant, long, java.util.concurrent.TimeUnit)};
 * when they return {@code true}, this object holds room for one frame until {@link #commit(int)} or
 * {@link #close()}.
 *
 * <pre>{@code
 * // one per producer thread, created by that thread
 * static final ThreadLocal<SharedReusableGrant> GRANT = ThreadLocal.withInitial(SharedReusableGrant::new);
 *
 * SharedReusableGrant grant = GRANT.get();           // in the GPIO listener, the sampler, ...
 * if (producer.tryGrant(16, grant)) {
 *     try (grant) {                                   // an exception aborts the frame and hands the producer back
 *         grant.putLong(0, timestamp);
 *         grant.putLong(8, reading);
 *         grant.commit(16);
 *     }
 * }
 * }</pre>
 *
 * <p><b>Who may hold it.</b> An instance belongs for life to the thread that created it: only that
 * thread may grant into it, use it, commit it or close it. Any call from another thread throws
 * {@link IllegalStateException} and changes nothing, whether the grant is open or not, so a grant
 * object handed to the wrong thread is found at its first use instead of corrupting a frame. Create
 * one in each producer thread (a {@link ThreadLocal} does that for pooled threads). It may be used
 * with several shared producers in turn, but holds at most one grant at a time.
 *
 * <p><b>While it is open</b> it holds the shared producer for its thread, as a
 * {@link SharedFrameGrant} does: other threads' try-forms fail and their blocking forms wait, and this
 * thread may not write or take another grant until it has committed or closed this one. Fill it
 * quickly. Both {@link #commit(int)} and {@link #close()} hand the producer back; so does the
 * producer's {@link SharedFrameProducer#close()} called by this thread, which abandons the frame.
 *
 * <p><b>Once ended</b> (committed, closed, or abandoned by the producer's close) its accessors and
 * {@code commit} throw {@link IllegalStateException} until it is granted into again, and
 * {@code close()} does nothing. The check is per grant, as {@link ReusableWriteGrant}'s: a reference
 * kept from an older grant is the newer grant once the object has been granted into again.
 */
public final class SharedReusableGrant implements AutoCloseable {
    /** The only thread that may touch this object; final, so any thread reads it safely. */
    private final Thread owner;
    /** The grant on the producer's ring; this object is its only user. */
    private final ReusableWriteGrant grant = new ReusableWriteGrant();
    /** The shared producer of the last grant; written and read by the owner only. */
    private SharedFrameProducer producer;

    /** A grant object that holds nothing yet and belongs to the calling thread. */
    public SharedReusableGrant() {
        this.owner = Thread.currentThread();
    }

    /**
     * Whether this object holds an open grant: granted into and not yet committed or closed (also
     * false once the producer has closed).
     *
     * @return {@code true} while a grant is open
     * @throws IllegalStateException if called from a thread other than the one that created this object
     */
    public boolean isOpen() {
        checkOwner();
        return grant.isOpen();
    }

    /**
     * The most bytes the frame can hold, as asked for; it keeps its value after the grant ends and is 0
     * before the first grant.
     *
     * @return the last grant's room in bytes
     * @throws IllegalStateException if called from a thread other than the one that created this object
     */
    public int maxLength() {
        checkOwner();
        return grant.length();
    }

    /**
     * A new view of the frame's room, as {@link ReusableWriteGrant#buffer()}; {@link #put} and
     * {@link #array()} need no view.
     *
     * @return a view of the frame's room, position 0, limit {@link #maxLength()}
     * @throws IllegalStateException if no grant is open, or called from another thread
     */
    public ByteBuffer buffer() {
        checkOwner();
        return grant.buffer();
    }

    /**
     * Whether the frame's room lives in a {@code byte[]} (a heap queue); see {@link #array()}.
     *
     * @return {@code true} for a heap queue
     * @throws IllegalStateException if no grant is open, or called from another thread
     */
    public boolean hasArray() {
        checkOwner();
        return grant.hasArray();
    }

    /**
     * The ring's backing array (the whole ring: write only
     * {@code [arrayOffset(), arrayOffset() + maxLength())}).
     *
     * @return the backing array
     * @throws UnsupportedOperationException if the ring is direct memory
     * @throws IllegalStateException if no grant is open, or called from another thread
     */
    public byte[] array() {
        checkOwner();
        return grant.array();
    }

    /**
     * Where the frame's room starts in {@link #array()}.
     *
     * @return the index of the frame's first byte in {@link #array()}
     * @throws IllegalStateException if no grant is open, or called from another thread
     */
    public int arrayOffset() {
        checkOwner();
        return grant.arrayOffset();
    }

    /**
     * Copies {@code len} bytes of {@code src} from {@code off} into the frame at {@code index}.
     *
     * @param index where in the frame, 0 to {@code maxLength()}
     * @param src the bytes
     * @param off where they start in {@code src}
     * @param len how many there are
     * @throws IndexOutOfBoundsException if a range is outside {@code src} or outside the grant
     * @throws IllegalStateException if no grant is open, or called from another thread
     */
    public void put(int index, byte[] src, int off, int len) {
        checkOwner();
        grant.put(index, src, off, len);
    }

    /**
     * Writes {@code value} big-endian at {@code index}, without a buffer view.
     *
     * @param index where in the frame, 0 to {@code maxLength()} - 4
     * @param value the int
     * @throws IndexOutOfBoundsException if the four bytes are not all inside the grant
     * @throws IllegalStateException if no grant is open, or called from another thread
     */
    public void putInt(int index, int value) {
        checkOwner();
        grant.putInt(index, value);
    }

    /**
     * Writes {@code value} big-endian at {@code index}, without a buffer view.
     *
     * @param index where in the frame, 0 to {@code maxLength()} - 8
     * @param value the long
     * @throws IndexOutOfBoundsException if the eight bytes are not all inside the grant
     * @throws IllegalStateException if no grant is open, or called from another thread
     */
    public void putLong(int index, long value) {
        checkOwner();
        grant.putLong(index, value);
    }

    /**
     * Publishes the first {@code length} bytes as one frame, ends the grant and hands the producer
     * back to the other threads.
     *
     * <p>Memory consistency effects: actions in this thread prior to the commit, including its writes
     * into the frame, <i>happen-before</i> actions in the consumer's thread after it receives the
     * frame, and before actions of the producer thread that takes the producer next.
     *
     * @param length the frame's length in bytes, 0 to {@link #maxLength()}
     * @throws IllegalArgumentException if {@code length} is negative or above {@link #maxLength()};
     *         the grant stays open and the producer stays with this thread
     * @throws IllegalStateException if no grant is open, or called from another thread
     */
    public void commit(int length) {
        checkOwner();
        grant.commit(length); // throws before anything changes if no grant is open or the length is wrong
        producer.grantEnded();
    }

    /**
     * Aborts an open frame (publishes nothing) and hands the producer back; does nothing if no grant
     * is open.
     *
     * @throws IllegalStateException if called from a thread other than the one that created this object
     */
    @Override
    public void close() {
        checkOwner();
        if (grant.isOpen()) {
            try {
                grant.close();
            } finally {
                producer.grantEnded();
            }
        }
    }

    /** Called by a shared producer before granting into this object: the owner's, and not open. */
    ReusableWriteGrant free() {
        checkOwner();
        ReusableGrant.checkFree(grant);
        return grant;
    }

    /** Called by {@code shared} once it has granted into this object and holds the turn for it. */
    void opened(SharedFrameProducer shared) {
        if (producer != shared) {
            producer = shared; // a reference store (GC barrier) only when the producer changes
        }
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) {
            throw foreign();
        }
    }

    // Out of line: the check inlines into every call, its message need not.
    private IllegalStateException foreign() {
        return new IllegalStateException("this shared reusable grant belongs to thread \"" + owner.getName()
                + "\", which created it; create one in each producer thread (ThreadLocal.withInitial(SharedReusableGrant::new))");
    }

    @Override
    public String toString() {
        return "SharedReusableGrant[owner=" + owner.getName() + ", maxLength=" + grant.length()
                + (Thread.currentThread() == owner && grant.isOpen() ? ", open]" : "]");
    }
}
