package dev.bbq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The layout of a queue's control block: where each shared word lives, and nothing else.
 *
 * <p>The control block is a small, 64-byte aligned region of direct memory (or, for a queue shared
 * between processes, the first bytes of a mapped file). All words the producer and the consumer
 * exchange live here, never in Java fields, so the same {@link Ring} code works whether the block is
 * private to one JVM or mapped by two.
 *
 * <pre>
 *   byte 0   +----------------------------------------------------+
 *            | header, 128 B (written once before the queue is    |
 *            | shared; unused by in-process queues)               |
 *   byte 128 +----------------------------------------------------+  producer's line (written per commit)
 *            | WRITE             int   end of committed bytes      |
 *            | LAST              int   watermark                   |
 *            | BYTES_COMMITTED   long  statistics, opaque          |
 *            | FRAMES_COMMITTED  long                              |
 *            | GRANTS_REFUSED    long                              |
 *            | FRAMES_DROPPED    long                              |
 *            | BYTES_DROPPED     long                              |
 *            | PRODUCER_WAIT     long  nanoseconds                   |
 *            | PRODUCER_HIGH     long  high-water mark, bytes      |
 *   byte 256 +----------------------------------------------------+  consumer's line (written per release)
 *            | READ              int   start of unreleased bytes   |
 *            | BYTES_RELEASED    long  statistics, opaque          |
 *            | FRAMES_RELEASED   long                              |
 *            | CONSUMER_WAIT     long  nanoseconds                   |
 *            | CONSUMER_HIGH     long  high-water mark, bytes      |
 *   byte 384 +----------------------------------------------------+  consumer's flags (written once)
 *            | CONSUMER_CLOSED   int                               |
 *   byte 512 +----------------------------------------------------+  producer's flags (written once)
 *            | PRODUCER_CLOSED   int                               |
 *   byte 640   end (LENGTH)
 * </pre>
 *
 * <p>Each side writes only its own lines (rule R1 of {@link Ring}). The producer's and the consumer's
 * lines sit 128 bytes apart: two cache lines on 64-byte-line CPUs (Cortex-A53/A72/A76, x86), which
 * also defeats the adjacent-line prefetcher, and one full line on 128-byte-line CPUs. Statistics
 * share their owner's index line, which that side dirties on every operation anyway, so counting
 * costs no extra cache line. The closed flags have lines of their own because the other side reads
 * them on hot paths: a line nobody writes stays in every reader's cache.
 *
 * <p>{@code int} words sit at 4-byte and {@code long} words at 8-byte aligned offsets of a 64-byte
 * aligned block, so every access is single-copy atomic on 32-bit ARM as well as on 64-bit targets.
 *
 * <p>All accesses go through {@link #INT} and {@link #LONG}, byte-buffer view {@link VarHandle}s in
 * native byte order. They are legal only on direct (or mapped) buffers: JDK 22 and later reject
 * atomic access to heap buffers, which is why the control block is always direct even when the data
 * ring is a {@code byte[]}.
 */
final class ControlBlock {
    /** Bytes reserved at the start for a header (used by queues shared through a file). */
    static final int HEADER = 0;

    /** Producer: the end of the committed bytes. */
    static final int WRITE = 128;
    /** Producer: the watermark, the end of valid data in the upper region while inverted. */
    static final int LAST = WRITE + 4;
    /** Producer: bytes committed (frame headers included), ever. */
    static final int BYTES_COMMITTED = WRITE + 8;
    /** Producer: frames committed, ever. */
    static final int FRAMES_COMMITTED = WRITE + 16;
    /** Producer: grant calls that found no room. */
    static final int GRANTS_REFUSED = WRITE + 24;
    /** Producer: frames dropped by the overload policy. */
    static final int FRAMES_DROPPED = WRITE + 32;
    /** Producer: bytes of frames dropped by the overload policy. */
    static final int BYTES_DROPPED = WRITE + 40;
    /** Producer: nanoseconds spent waiting for room. */
    static final int PRODUCER_WAIT = WRITE + 48;
    /** Producer: most bytes in use seen when the producer looked at the consumer's index. */
    static final int PRODUCER_HIGH = WRITE + 56;

    /** Consumer: the start of the bytes not yet released. */
    static final int READ = 256;
    /** Consumer: bytes released (frame headers included), ever. */
    static final int BYTES_RELEASED = READ + 8;
    /** Consumer: frames released, ever. */
    static final int FRAMES_RELEASED = READ + 16;
    /** Consumer: nanoseconds spent waiting for data. */
    static final int CONSUMER_WAIT = READ + 24;
    /** Consumer: most bytes in use seen when the consumer looked at the producer's index. */
    static final int CONSUMER_HIGH = READ + 32;

    /** Consumer, once: non-zero when the consumer has closed. */
    static final int CONSUMER_CLOSED = 384;
    /** Producer, once: non-zero when the producer has closed. */
    static final int PRODUCER_CLOSED = 512;

    /** Total length of the control block in bytes. */
    static final int LENGTH = 640;
    /** Alignment of the control block and of direct data storage. */
    static final int ALIGNMENT = 64;

    /** int view of the control block; offsets above are byte offsets. */
    static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    /** long view of the control block, for statistics. */
    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private ControlBlock() {
    }

    /** A new zeroed, aligned, direct control block. */
    static ByteBuffer allocate() {
        return alignedDirect(LENGTH);
    }

    /** A direct buffer of exactly {@code length} bytes whose first byte is 64-byte aligned. */
    static ByteBuffer alignedDirect(int length) {
        ByteBuffer raw = ByteBuffer.allocateDirect(length + ALIGNMENT - 1);
        int misalignment = raw.alignmentOffset(0, ALIGNMENT);
        int start = misalignment == 0 ? 0 : ALIGNMENT - misalignment;
        raw.position(start).limit(start + length);
        return raw.slice().order(ByteOrder.nativeOrder());
    }
}
