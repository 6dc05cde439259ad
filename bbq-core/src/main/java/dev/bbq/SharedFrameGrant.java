package dev.bbq;

import java.nio.ByteBuffer;

/**
 * Room for one frame, reserved by {@link SharedFrameProducer#tryGrant(int)} or
 * {@link SharedFrameProducer#grant(int, long, java.util.concurrent.TimeUnit)}: fill it, then
 * {@link #commit(int)} the frame's length, as a {@link FrameGrant}.
 *
 * <p>While it is open the grant holds the shared producer for the thread that took it: other
 * threads' try-forms fail and their blocking forms wait. Only that thread may use, commit or close
 * it (any other thread gets {@link IllegalStateException}), and it should do so quickly.
 * {@link #close()} without a commit aborts the frame; once committed or closed, the grant is dead.
 */
public final class SharedFrameGrant implements AutoCloseable {
    private final SharedFrameProducer producer;
    private final FrameGrant grant;
    /** Written and read by the owning thread only. */
    private boolean ended;

    SharedFrameGrant(SharedFrameProducer producer, FrameGrant grant) {
        this.producer = producer;
        this.grant = grant;
    }

    /**
     * A new view of the frame's bytes, as {@link FrameGrant#buffer() FrameGrant.buffer()}.
     *
     * @return a view of the frame's room, position 0, limit {@link #maxLength()}
     * @throws IllegalStateException if the grant has ended, or this is not the thread that took it
     */
    public ByteBuffer buffer() {
        checkOpen();
        return grant.buffer();
    }

    /**
     * The most bytes this frame can hold, as requested.
     *
     * @return the frame's room in bytes
     */
    public int maxLength() {
        return grant.maxLength();
    }

    /**
     * Copies {@code len} bytes of {@code src} from {@code off} into the grant at {@code index},
     * without creating a buffer view.
     *
     * @param index where in the grant, 0 to {@code maxLength()}
     * @param src the bytes
     * @param off where they start in {@code src}
     * @param len how many there are
     * @throws IndexOutOfBoundsException if a range is outside {@code src} or outside the grant
     * @throws IllegalStateException if the grant has ended, or this is not the thread that took it
     */
    public void put(int index, byte[] src, int off, int len) {
        checkOpen();
        grant.put(index, src, off, len);
    }

    /**
     * Writes {@code value} big-endian at {@code index}, without a buffer view.
     *
     * @param index where in the grant, 0 to {@code maxLength()} - 4
     * @param value the int
     * @throws IndexOutOfBoundsException if the four bytes are not all inside the grant
     * @throws IllegalStateException if the grant has ended, or this is not the thread that took it
     */
    public void putInt(int index, int value) {
        checkOpen();
        grant.putInt(index, value);
    }

    /**
     * Writes {@code value} big-endian at {@code index}, without a buffer view.
     *
     * @param index where in the grant, 0 to {@code maxLength()} - 8
     * @param value the long
     * @throws IndexOutOfBoundsException if the eight bytes are not all inside the grant
     * @throws IllegalStateException if the grant has ended, or this is not the thread that took it
     */
    public void putLong(int index, long value) {
        checkOpen();
        grant.putLong(index, value);
    }

    /**
     * Publishes the first {@code length} bytes as one frame, ends the grant and gives the producer
     * back to the other threads.
     *
     * <p>Memory consistency effects: actions in this thread prior to the commit, including its writes
     * into the frame, <i>happen-before</i> actions in the consumer's thread after it receives the frame.
     *
     * @param length the frame's length in bytes, 0 to {@link #maxLength()}
     * @throws IllegalArgumentException if {@code length} is negative or above {@link #maxLength()};
     *         the grant stays open
     * @throws IllegalStateException if the grant has ended, or this is not the thread that took it
     */
    public void commit(int length) {
        checkOpen();
        grant.commit(length); // throws before anything changes if the length is wrong
        end();
    }

    /**
     * Aborts the frame (publishes nothing) and gives the producer back, unless the grant was already
     * committed or closed, or the producer was closed under it (by this thread: the close abandoned it).
     *
     * @throws IllegalStateException if this is not the thread that took the grant and it may be open
     */
    @Override
    public void close() {
        if (ended) {
            return;
        }
        if (!producer.heldByCurrentThread()) {
            if (producer.isClosed()) {
                ended = true; // the producer's close abandoned the frame and took the turn back
                return;
            }
            checkOpen();
        }
        grant.close();
        end();
    }

    private void end() {
        ended = true;
        producer.grantEnded();
    }

    private void checkOpen() {
        if (ended) {
            throw new IllegalStateException("this shared frame grant was already committed or closed");
        }
        if (!producer.heldByCurrentThread()) {
            throw new IllegalStateException("a shared frame grant belongs to the thread that took it while it is open"
                    + " (or the producer was closed under it)");
        }
    }

    @Override
    public String toString() {
        return "SharedFrameGrant[maxLength=" + grant.maxLength() + (ended ? ", ended]" : ", open]");
    }
}
