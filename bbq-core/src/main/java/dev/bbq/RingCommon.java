package dev.bbq;

import java.nio.ByteBuffer;

/**
 * The final fields of a {@link Ring}, which both sides read (the ring's bytes, its control block,
 * the waiters, counters and grant ids: the references never change, and what they point to follows
 * its own rules), and each side's byte access through a view of its own. The steps that move the
 * indices are in {@link RingProducerSide} and {@link RingConsumerSide}; {@link Ring} is what the rest
 * of the library holds. The fields follow the padded side fields of {@code RingFields.java}, as they
 * did when {@code Ring} declared them.
 */
abstract class RingCommon extends RingPad2 {
    /** Of the polls that find nothing and the grants refused, one in this + 1 checks a queue file's size. */
    static final int SAMPLE_SLOW_PATHS = 63;

    /** The producer's write grants: at most one open, ids never reused. */
    final GrantIds writes = GrantIds.forWrites();
    /** The consumer's read grants. */
    final GrantIds reads = GrantIds.forReads();

    final int capacity;
    /** The largest frame this ring can carry: the largest n with n + header(n) &lt;= capacity. */
    final int maxFrameLength;
    /**
     * How many bytes a framed drain hands over before it releases them without waiting for the end
     * of the call: a quarter of the ring. Releasing per batch keeps the consumer's stores off the
     * producer's path; holding more than this starves a producer that keeps pace (measured in
     * docs/performance.md, "Releasing inside a drain").
     */
    final int releaseEvery;
    /** The data: exactly {@code capacity} bytes, index 0 is the ring's offset 0. */
    final ByteBuffer data;
    /** Shared words; see {@link ControlBlock}. */
    final ControlBlock control;
    /** How blocked sides wait. */
    final WaitStrategy waitStrategy;
    /** Whether publications must check for parked waiters (R9). */
    final boolean signals;
    /** Where the producer parks; woken by the consumer's publications. */
    final ParkingWaiter producerWaiter;
    /** Where the consumer parks; woken by the producer's publications. */
    final ParkingWaiter consumerWaiter;
    /**
     * Whether a framed consumer follows in-band commits (R11) when it keeps up. True for every queue
     * this library builds, in one JVM or shared through a file; false only when a test asks for
     * every header to be checked against the index ({@code BBQueue.Builder.checkEveryFrameHeader}).
     */
    final boolean inBandCommits;
    /** The file this ring lives in when another process shares it; null inside one JVM. */
    final QueueFile file;
    /** Where each side counts what it did (and, for a queue file, the file's first page). */
    final Counters counters;

    RingCommon(ByteBuffer data, ControlBlock control, WaitStrategy waitStrategy, boolean inBandCommits,
            QueueFile file) {
        this.capacity = data.capacity();
        this.maxFrameLength = FrameHeader.maxFrameLength(capacity);
        this.releaseEvery = Math.max(capacity / 4, 1);
        this.data = data;
        this.control = control;
        this.waitStrategy = waitStrategy;
        this.signals = waitStrategy.signals();
        // Allocation order, so that each side's view (rewritten per slice on JDK 11 and 12, per
        // frame handed to a handler on every JDK) is followed by a padded waiter and not by whatever
        // the caller allocates next, such as the other side's producer or consumer object. The
        // waiters call the consumer's and the producer's steps of the Ring this is.
        this.pView = data.duplicate();
        this.producerWaiter = new ParkingWaiter((Ring) this, false);
        this.cView = data.duplicate();
        this.consumerWaiter = new ParkingWaiter((Ring) this, true);
        this.inBandCommits = inBandCommits;
        this.file = file;
        this.counters = new Counters(file != null ? file.map : null);
    }

    /** A slow path (nothing to read, no room, a wait): for a queue file, checks the file's size. */
    void checkFile() {
        if (file != null) {
            file.checkSize();
        }
    }

    // Views handed to users, and copies through the side's own view

    /** A new buffer over {@code [start, start + length)}: position 0, limit = capacity = length. */
    ByteBuffer producerSlice(int start, int length) {
        return BufferAccess.slice(data, pView, start, length);
    }

    /** As {@link #producerSlice}, for the consumer thread. */
    ByteBuffer consumerSlice(int start, int length) {
        return BufferAccess.slice(data, cView, start, length);
    }

    /** The ring's backing array, for heap rings; throws for direct ones. */
    byte[] array() {
        if (!data.hasArray()) {
            throw new UnsupportedOperationException("this queue's ring is direct memory: it has no array (use buffer())");
        }
        return data.array();
    }

    /** Where ring offset {@code start} is in {@link #array()}. */
    int arrayOffset(int start) {
        return data.arrayOffset() + start;
    }

    /** Copies ring bytes {@code [index, index + len)} to {@code dst[off, ...)}; the consumer's thread only. */
    void getBytes(int index, byte[] dst, int off, int len) {
        BufferAccess.get(data, cView, index, dst, off, len);
    }

    /** Copies {@code src[off, off + len)} to ring offset {@code index}; the producer's thread only. */
    void putBytes(int index, byte[] src, int off, int len) {
        BufferAccess.put(data, pView, index, src, off, len);
    }
}
