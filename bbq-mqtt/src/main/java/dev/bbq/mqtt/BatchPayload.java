package dev.bbq.mqtt;

import dev.bbq.FrameHandler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The payload of one MQTT message that carries several frames, as a forwarder with
 * {@link MqttForwarder.Builder#batch(int, int) batching} publishes it, and its decoder for
 * subscribers written in Java.
 *
 * <pre>
 * byte 0        0xBB, the magic
 * byte 1        1, the format version
 * bytes 2-3     n, the number of frames, 1 to 65 535 (unsigned, big-endian)
 * then n times  the frame's length L (4 bytes, unsigned, big-endian, at most 2^31 - 1), then its L bytes
 * </pre>
 *
 * <p>Nothing follows the last frame. The frames are in the order they were committed to the queue; a
 * frame may be empty. Every integer is big-endian (network order), so a subscriber in any language
 * reads it with its standard tools, for example Python's {@code struct.unpack_from(">BBH", p)} and
 * {@code ">I"}.
 *
 * <p>The decoder treats the payload as untrusted input: it checks the magic, the version, the count
 * and every length against the bytes there are before it hands any frame over, and reports the first
 * problem in an {@link IllegalArgumentException} that names it.
 */
public final class BatchPayload {
    /** The first byte of every batch. */
    public static final int MAGIC = 0xBB;
    /** The format version this class writes and reads. */
    public static final int VERSION = 1;
    /** Bytes before the first frame: magic, version, count. */
    public static final int HEADER_BYTES = 4;
    /** Bytes before each frame: its length. */
    public static final int FRAME_HEADER_BYTES = 4;
    /** The most frames one batch can carry. */
    public static final int MAX_FRAMES = 0xFFFF;

    private BatchPayload() {
    }

    /**
     * Hands each frame of a batch to {@code handler}, in order, after checking the whole payload.
     * The handler gets a view of the payload between position and limit, reused for every frame; it
     * must not keep it after returning.
     *
     * @param payload the MQTT message's payload, between its position and limit (not changed)
     * @param handler receives each frame
     * @return the number of frames
     * @throws IllegalArgumentException if the payload is not a batch of this format: too short, a
     *         wrong magic or version, no frames, a length that runs past the end, or bytes after the
     *         last frame; the message names which, and no frame has been handed over
     */
    public static int decode(ByteBuffer payload, FrameHandler handler) {
        Objects.requireNonNull(handler, "handler");
        ByteBuffer p = payload.duplicate().order(ByteOrder.BIG_ENDIAN); // whatever order the caller's buffer has
        int start = p.position();
        int end = p.limit();
        int count = check(p, start, end);
        ByteBuffer view = payload.duplicate();
        int pos = start + HEADER_BYTES;
        for (int i = 0; i < count; i++) {
            int length = p.getInt(pos);
            pos += FRAME_HEADER_BYTES;
            view.limit(pos + length).position(pos);
            handler.onFrame(view);
            pos += length;
        }
        return count;
    }

    /**
     * As {@link #decode(ByteBuffer, FrameHandler)}, for a payload in an array (as Paho's
     * {@code MqttMessage.getPayload()} gives it).
     *
     * @param payload the whole payload
     * @param handler receives each frame
     * @return the number of frames
     * @throws IllegalArgumentException if the payload is not a batch of this format
     */
    public static int decode(byte[] payload, FrameHandler handler) {
        return decode(ByteBuffer.wrap(payload), handler);
    }

    /** Checks everything before any frame is handed over; returns the frame count. */
    private static int check(ByteBuffer p, int start, int end) {
        int size = end - start;
        if (size < HEADER_BYTES) {
            throw new IllegalArgumentException("not a bbq batch: " + size + " bytes, fewer than the "
                    + HEADER_BYTES + "-byte header");
        }
        int magic = p.get(start) & 0xFF;
        if (magic != MAGIC) {
            throw new IllegalArgumentException(String.format("not a bbq batch: the first byte is 0x%02X, not the "
                    + "magic 0x%02X", magic, MAGIC));
        }
        int version = p.get(start + 1) & 0xFF;
        if (version != VERSION) {
            throw new IllegalArgumentException("a bbq batch of format version " + version + "; this decoder reads "
                    + "version " + VERSION);
        }
        int count = p.getShort(start + 2) & 0xFFFF;
        if (count == 0) {
            throw new IllegalArgumentException("a bbq batch of 0 frames: a batch carries at least one");
        }
        long pos = start + HEADER_BYTES;
        for (int i = 0; i < count; i++) {
            if (end - pos < FRAME_HEADER_BYTES) {
                throw new IllegalArgumentException("bbq batch of " + count + " frames: frame " + (i + 1) + "'s length "
                        + "is cut off at byte " + (pos - start) + " of " + size);
            }
            long length = p.getInt((int) pos) & 0xFFFF_FFFFL;
            pos += FRAME_HEADER_BYTES;
            if (length > end - pos) {
                throw new IllegalArgumentException("bbq batch of " + count + " frames: frame " + (i + 1) + " says "
                        + length + " bytes, but only " + (end - pos) + " follow");
            }
            pos += length;
        }
        if (pos != end) {
            throw new IllegalArgumentException("bbq batch of " + count + " frames: " + (end - pos) + " bytes after "
                    + "the last frame");
        }
        return count;
    }

    /** Writes the header for {@code count} frames at the start; the forwarder appends the frames. */
    static void putHeader(byte[] into, int count) {
        into[0] = (byte) MAGIC;
        into[1] = (byte) VERSION;
        into[2] = (byte) (count >>> 8);
        into[3] = (byte) count;
    }

    /** Writes a frame's length at {@code at}. */
    static void putLength(byte[] into, int at, int length) {
        into[at] = (byte) (length >>> 24);
        into[at + 1] = (byte) (length >>> 16);
        into[at + 2] = (byte) (length >>> 8);
        into[at + 3] = (byte) length;
    }
}
