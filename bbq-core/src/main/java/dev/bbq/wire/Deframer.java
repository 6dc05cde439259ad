package dev.bbq.wire;

import dev.bbq.Consumer;
import dev.bbq.FrameBatch;
import dev.bbq.FrameHandler;
import dev.bbq.FrameProducer;
import dev.bbq.ReusableReadGrant;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.zip.Checksum;

/**
 * Reads a raw byte stream of wire frames ({@code COBS([payload][check]) 0x00}, as written by
 * {@link FrameEncoder}) and emits the valid payloads: to a {@link FrameHandler} or into a framed
 * queue. It takes its bytes from a raw queue's read grants ({@link #tryDeframe(Consumer, FrameProducer)},
 * {@link #run(Consumer, FrameProducer)}) or from any array or buffer ({@link #accept(byte[], int, int, FrameHandler)}).
 *
 * <pre>{@code
 * Deframer deframer = new Deframer(256, FrameCheck.CRC16_CCITT_FALSE);
 * deframer.run(serialBytes.consumer(), frames.frameProducer());   // until the serial pump stops
 * }</pre>
 *
 * <h2>Implementation notes</h2>
 *
 * <p>The decoder is a byte-at-a-time COBS state machine that writes the decoded bytes into one
 * private array of {@code maxFrameLength + check.length()} bytes. Streaming, rather than finding the
 * delimiter first and decoding the grant in place, is what lets a frame span two read grants (the
 * wrap point of the ring, or a serial read that ended mid-frame) without a special case, and lets
 * every read grant be released entirely as soon as it has been scanned, so the device side gets its
 * room back at once. A frame is copied once on its way: ring to array (the decode), then the array
 * to the framed queue or, for a handler, nothing more.
 *
 * <p>Into a framed queue, the frames decoded from one read grant are appended to one
 * {@link FrameBatch} and published together when the grant has been scanned: one index store, one
 * flag release and one wake-up check per raw read, however many frames it held. The batch is granted
 * when the read's first frame is ready, for at most the frame plus the bytes still to scan (a frame
 * never decodes to more bytes, header included, than its wire form), so that it does not reach past
 * the ring's end for room it cannot use. When the batch runs out of room mid-read (the ring's end,
 * or a consumer behind), what it holds is committed and a new batch is granted for the rest; if none
 * can be had, the frame goes through the single-frame write, which waits, or with
 * {@code dropWhenFull} drops and counts it, exactly as without batches. The delivered counters move
 * at each commit, so they count published frames only.
 *
 * <p>Invariants, between any two bytes:
 * <ul>
 *   <li>{@code remaining} is the number of data bytes left in the current COBS block; 0 means the
 *       next non-zero byte is a code byte.</li>
 *   <li>{@code zeroPending}: the previous block ended below 0xFF, so its implied 0x00 belongs to the
 *       data if and only if another block follows; it is written when the next code byte arrives and
 *       forgotten at the delimiter.</li>
 *   <li>{@code length <= frame.length}: a byte that would pass the end marks the frame oversize and
 *       the decoder discards up to the next delimiter ({@code discarding}). Nothing is ever read
 *       outside the input range or written outside {@code frame}.</li>
 *   <li>Every frame ends at a 0x00, and every 0x00 ends a frame: resynchronisation after garbage, a
 *       bad check, an oversize frame or a cut-off frame happens at the next delimiter, and each
 *       rejected frame is counted under one error kind. Empty runs between delimiters (idle fill)
 *       are ignored.</li>
 * </ul>
 *
 * <p>A stream joined mid-frame starts with a partial frame, which is counted as an error; senders
 * that may be joined late can send a 0x00 before their first frame.
 *
 * <p>A deframer belongs to one thread at a time (its state spans calls); {@link #stats()} may be
 * called from any thread. Once compiled, it allocates nothing: it reads into a reusable grant and
 * publishes through a reusable batch, both its own (measured under Epsilon on JDK 17 and 25,
 * {@code AllocationFreeLoops}'s {@code deframer-batch}).
 */
public final class Deframer {
    // Counter slots: written by the deframer's thread only (setOpaque of getPlain + n), read opaque.
    private static final int BYTES_READ = 0;
    private static final int FRAMES_DELIVERED = 1;
    private static final int BYTES_DELIVERED = 2;
    private static final int FRAMES_DROPPED = 3;
    private static final int CRC_ERRORS = 4;
    private static final int OVERSIZE = 5;
    private static final int MALFORMED = 6;
    private static final int BYTES_DISCARDED = 7;

    private final int maxFrameLength;
    private final FrameCheck check;
    private final Checksum checksum;
    private final boolean dropWhenFull;
    private final byte[] frame;
    private final ByteBuffer view;
    private final AtomicLongArray counters = new AtomicLongArray(8);
    private final FrameBatch batch = new FrameBatch();
    private final ReusableReadGrant grant = new ReusableReadGrant();

    private int length;
    private int remaining;
    private boolean zeroPending;
    private boolean discarding;
    private int wireBytes;
    private int readyLength = -1;
    private int scanned;
    private long batchBytes;

    /**
     * A deframer that waits for room when the framed queue it writes to is full (back-pressure
     * towards the device, nothing lost in between).
     *
     * @param maxFrameLength the largest payload accepted, check excluded; longer frames are counted
     *        as {@linkplain DeframerStats#oversizeFrames() oversize} and skipped
     * @param check the check every frame ends with
     * @throws IllegalArgumentException if {@code maxFrameLength} is negative or too large
     */
    public Deframer(int maxFrameLength, FrameCheck check) {
        this(maxFrameLength, check, false);
    }

    /**
     * A deframer that can also drop valid frames when its framed queue is full.
     *
     * @param maxFrameLength the largest payload accepted, check excluded
     * @param check the check every frame ends with
     * @param dropWhenFull whether a valid frame that finds the framed queue full is dropped and
     *        counted ({@link DeframerStats#framesDropped()}, and in the queue's own stats) instead of
     *        waiting for room: for telemetry that must never hold up the device side
     * @throws IllegalArgumentException if {@code maxFrameLength} is negative or too large
     */
    public Deframer(int maxFrameLength, FrameCheck check, boolean dropWhenFull) {
        this.check = Objects.requireNonNull(check, "check");
        if (maxFrameLength < 0 || maxFrameLength > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("maxFrameLength " + maxFrameLength + ": must be between 0 and "
                    + Integer.MAX_VALUE / 2);
        }
        this.maxFrameLength = maxFrameLength;
        this.checksum = check.newChecksum();
        this.dropWhenFull = dropWhenFull;
        this.frame = new byte[maxFrameLength + check.length()];
        this.view = ByteBuffer.wrap(frame);
    }

    /**
     * The size limit this deframer was built with; longer frames count as oversize.
     *
     * @return the largest payload accepted
     */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * The check this deframer verifies, which the sender's encoder must append.
     *
     * @return the check every frame must end with
     */
    public FrameCheck check() {
        return check;
    }

    /**
     * Decodes {@code len} bytes of {@code src}, handing each valid payload to {@code handler} as it
     * completes (between position and limit of one reused view, as {@link FrameHandler} describes).
     * A frame left incomplete at the end continues with the next call.
     *
     * @param src wire bytes
     * @param off where they start
     * @param len how many there are
     * @param handler receives the payloads
     * @return the frames handed over
     * @throws IndexOutOfBoundsException if the range is outside {@code src}
     * @throws RuntimeException whatever the handler throws; the bytes up to that frame's delimiter
     *         have been consumed, later ones have not been looked at
     */
    public int accept(byte[] src, int off, int len, FrameHandler handler) {
        Objects.checkFromIndexSize(off, len, src.length);
        Objects.requireNonNull(handler, "handler");
        int frames = 0;
        int i = off;
        int end = off + len;
        try {
            while (i < end) {
                if (step(src[i++])) {
                    frames++;
                    deliver(handler);
                }
            }
        } finally {
            add(BYTES_READ, i - off);
        }
        return frames;
    }

    /**
     * As {@link #accept(byte[], int, int, FrameHandler)} for the bytes between the buffer's position
     * and limit (heap or direct); the position moves past the bytes consumed.
     *
     * @param src wire bytes
     * @param handler receives the payloads
     * @return the frames handed over
     */
    public int accept(ByteBuffer src, FrameHandler handler) {
        Objects.requireNonNull(handler, "handler");
        int frames = 0;
        int start = src.position();
        int i = start;
        int end = src.limit();
        try {
            while (i < end) {
                if (step(src.get(i++))) {
                    frames++;
                    deliver(handler);
                }
            }
        } finally {
            src.position(i);
            add(BYTES_READ, i - start);
        }
        return frames;
    }

    /**
     * Decodes the bytes of one read grant of {@code in}, if there are any, handing valid payloads to
     * {@code handler}; the whole grant is released.
     *
     * @param in the raw queue's consumer
     * @param handler receives the payloads
     * @return the frames handed over; 0 if no bytes were committed (see {@link Consumer#isClosed()}
     *         for the end of the stream)
     * @throws IllegalStateException if {@code in} has a read grant open
     * @throws dev.bbq.QueueClosedException if {@code in} has closed
     */
    public int tryDeframe(Consumer in, FrameHandler handler) {
        Objects.requireNonNull(handler, "handler");
        try {
            return Math.max(deframe(in, false, handler, null), 0);
        } catch (InterruptedException e) {
            throw new AssertionError("neither tryRead nor a handler waits", e);
        }
    }

    /**
     * Decodes the bytes of one read grant of {@code in}, if there are any, writing valid payloads as
     * frames into {@code out}; the whole grant is released. The frames of the grant are published
     * together, as one batch ({@link FrameBatch}), once the grant has been scanned, or in several
     * batches if {@code out} runs out of room on the way. When {@code out} is full this waits for
     * room, or drops and counts the frame if the deframer was made with {@code dropWhenFull}.
     *
     * @param in the raw queue's consumer
     * @param out the framed queue's producer
     * @return the frames written (dropped ones not included)
     * @throws InterruptedException if interrupted while waiting for room in {@code out}; bytes up to
     *         that frame's delimiter have been consumed and released, the frames before it are
     *         published, the frame is lost
     * @throws IllegalArgumentException if {@code out} cannot hold a frame of {@link #maxFrameLength()}
     * @throws dev.bbq.QueueClosedException if {@code in} or {@code out} has closed
     */
    public int tryDeframe(Consumer in, FrameProducer out) throws InterruptedException {
        checkOut(out);
        return Math.max(deframe(in, false, null, out), 0);
    }

    /**
     * Deframes everything {@code in} delivers into {@code out}, waiting for bytes as needed and
     * publishing the frames of each raw read together as {@link #tryDeframe(Consumer, FrameProducer)}
     * does, until the raw stream ends (its producer closed and every byte was read) or the thread is
     * interrupted.
     * A frame cut off by the end of the stream is counted as malformed. Closes neither half.
     *
     * @param in the raw queue's consumer
     * @param out the framed queue's producer
     * @return the frames written
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalArgumentException if {@code out} cannot hold a frame of {@link #maxFrameLength()}
     * @throws dev.bbq.QueueClosedException if {@code out}'s consumer has closed
     */
    public long run(Consumer in, FrameProducer out) throws InterruptedException {
        checkOut(out);
        long frames = 0;
        while (true) {
            int n = deframe(in, true, null, out);
            if (n < 0) {
                endOfStream();
                return frames;
            }
            frames += n;
        }
    }

    /**
     * As {@link #run(Consumer, FrameProducer)}, handing the payloads to {@code handler}.
     *
     * @param in the raw queue's consumer
     * @param handler receives the payloads
     * @return the frames handed over
     * @throws InterruptedException if interrupted while waiting
     */
    public long run(Consumer in, FrameHandler handler) throws InterruptedException {
        Objects.requireNonNull(handler, "handler");
        long frames = 0;
        while (true) {
            int n = deframe(in, true, handler, null);
            if (n < 0) {
                endOfStream();
                return frames;
            }
            frames += n;
        }
    }

    /**
     * Tells the deframer that no more bytes will come: a frame in progress is counted as malformed
     * (cut off) and the decoder starts afresh.
     */
    public void endOfStream() {
        if (wireBytes > 0 && !discarding) {
            reject(MALFORMED);
        }
        reset();
    }

    /**
     * The deframer's counters, for monitoring a link's health.
     *
     * @return a snapshot of the counters; safe from any thread
     */
    public DeframerStats stats() {
        AtomicLongArray c = counters;
        return new DeframerStats(c.getOpaque(BYTES_READ), c.getOpaque(FRAMES_DELIVERED), c.getOpaque(BYTES_DELIVERED),
                c.getOpaque(FRAMES_DROPPED), c.getOpaque(CRC_ERRORS), c.getOpaque(OVERSIZE), c.getOpaque(MALFORMED),
                c.getOpaque(BYTES_DISCARDED));
    }

    private void checkOut(FrameProducer out) {
        if (out.maxFrameLength() < maxFrameLength) {
            throw new IllegalArgumentException("the framed queue takes frames of up to " + out.maxFrameLength()
                    + " bytes, the deframer accepts " + maxFrameLength + ": use a larger queue or a smaller maximum");
        }
    }

    /**
     * Reads one grant (waiting for it if asked), scans all of it and releases it, also when a handler
     * or the framed queue throws. Returns the frames delivered, or -1 if there was no grant.
     *
     * <p>The grant goes into a reusable grant object the deframer keeps, so no call allocates, on any
     * JDK (a one-shot grant from {@code tryRead}, whose call site also sees {@code null}, stays on the
     * heap on JDK 17). A direct ring's bytes are read one by one through the grant, not through a
     * view, which C2 did not remove here (measured).
     */
    private int deframe(Consumer in, boolean wait, FrameHandler handler, FrameProducer out)
            throws InterruptedException {
        ReusableReadGrant grant = this.grant;
        if (!(wait ? in.read(grant, Long.MAX_VALUE, TimeUnit.NANOSECONDS) : in.tryRead(grant))) {
            return -1;
        }
        int n = grant.length();
        scanned = 0;
        try {
            if (grant.hasArray()) {
                return scan(grant.array(), grant.arrayOffset(), n, handler, out);
            }
            int frames = 0;
            while (scanned < n) {
                if (step(grant.get(scanned++)) && emit(handler, out, n - scanned)) {
                    frames++;
                }
            }
            return frames;
        } finally {
            try {
                if (batch.isOpen()) {
                    commitBatch(); // also when an emit threw: what was appended was decoded and is published
                }
            } finally {
                add(BYTES_READ, scanned);
                grant.release(scanned);
            }
        }
    }

    /** Scans {@code a[base, base + n)}; {@code scanned} counts the bytes consumed, also if an emit throws. */
    private int scan(byte[] a, int base, int n, FrameHandler handler, FrameProducer out) throws InterruptedException {
        int frames = 0;
        int i = 0;
        try {
            while (i < n) {
                if (step(a[base + i++]) && emit(handler, out, n - i)) {
                    frames++;
                }
            }
        } finally {
            scanned = i;
        }
        return frames;
    }

    /**
     * Hands the ready frame on, {@code left} bytes before the end of the read grant; returns whether
     * it was delivered or appended to the batch (not dropped).
     */
    private boolean emit(FrameHandler handler, FrameProducer out, int left) throws InterruptedException {
        if (handler != null) {
            deliver(handler);
            return true;
        }
        int len = readyLength;
        readyLength = -1;
        if (batch.isOpen()) {
            if (batch.tryAppend(frame, 0, len)) {
                batchBytes += len;
                return true;
            }
            commitBatch(); // full: publish what it holds, then look for room again
        }
        // The frames still to come in this read decode to at most the bytes still to scan (see the
        // class notes); the frame itself needs at most 5 header bytes more than its length.
        long wanted = (long) len + 5 + left;
        if (out.tryGrantBatch((int) Math.min(wanted, out.capacity()), batch)) {
            if (batch.tryAppend(frame, 0, len)) {
                batchBytes += len;
                return true;
            }
            batch.close(); // room too small for this frame (the ring's end): publishes nothing
        }
        boolean written = dropWhenFull ? out.writeOrDrop(frame, 0, len)
                : out.write(frame, 0, len, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        if (written) {
            add(FRAMES_DELIVERED, 1);
            add(BYTES_DELIVERED, len);
        } else {
            add(FRAMES_DROPPED, 1);
        }
        return written;
    }

    /** Publishes the open batch and counts its frames as delivered. */
    private void commitBatch() {
        int frames = batch.frames();
        long bytes = batchBytes;
        batchBytes = 0;
        batch.commit();
        if (frames > 0) {
            add(FRAMES_DELIVERED, frames);
            add(BYTES_DELIVERED, bytes);
        }
    }

    private void deliver(FrameHandler handler) {
        int len = readyLength;
        readyLength = -1;
        add(FRAMES_DELIVERED, 1);
        add(BYTES_DELIVERED, len);
        view.limit(len).position(0);
        handler.onFrame(view);
    }

    /**
     * Advances the state machine by one wire byte; returns true when a valid frame is ready in
     * {@code frame[0, readyLength)}.
     */
    private boolean step(byte b) {
        if (b == 0) {
            return endOfFrame();
        }
        wireBytes++;
        if (discarding) {
            return false;
        }
        if (remaining == 0) {
            int code = b & 0xFF;
            if (zeroPending) {
                append((byte) 0);
            }
            remaining = code - 1;
            zeroPending = code != 0xFF;
        } else {
            append(b);
            remaining--;
        }
        return false;
    }

    private void append(byte b) {
        if (discarding) {
            return;
        }
        if (length == frame.length) {
            reject(OVERSIZE);
            return;
        }
        frame[length++] = b;
    }

    private boolean endOfFrame() {
        try {
            if (discarding || wireBytes == 0) {
                return false; // already counted, or an empty run between delimiters
            }
            if (remaining > 0 || length < check.length()) {
                reject(MALFORMED);
                return false;
            }
            int payload = length - check.length();
            if (checksum != null) {
                checksum.reset();
                checksum.update(frame, 0, payload);
                long expected = checksum.getValue();
                long actual = 0;
                for (int i = check.length() - 1; i >= 0; i--) {
                    actual = (actual << 8) | (frame[payload + i] & 0xFF);
                }
                if (actual != expected) {
                    reject(CRC_ERRORS);
                    return false;
                }
            }
            readyLength = payload;
            return true;
        } finally {
            reset();
        }
    }

    /** Counts the current frame as rejected and skips to the next delimiter. */
    private void reject(int counter) {
        add(counter, 1);
        discarding = true;
    }

    private void reset() {
        if (discarding) {
            add(BYTES_DISCARDED, wireBytes);
        }
        length = 0;
        remaining = 0;
        zeroPending = false;
        discarding = false;
        wireBytes = 0;
    }

    private void add(int counter, long n) {
        counters.setOpaque(counter, counters.getPlain(counter) + n);
    }
}
