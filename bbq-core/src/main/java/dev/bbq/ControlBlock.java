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
 *   byte 128 +----------------------------------------------------+  producer's line
 *            | WRITE      int   end of committed bytes             |  written by the producer only
 *            | LAST       int   watermark: end of the upper region |  written by the producer only
 *            +----------------------------------------------------+
 *   byte 256 +----------------------------------------------------+  consumer's line
 *            | READ       int   start of unreleased bytes          |  written by the consumer only
 *            +----------------------------------------------------+
 *   byte 384   end (LENGTH)
 * </pre>
 *
 * <p>The producer's and the consumer's words sit 128 bytes apart: two cache lines on 64-byte-line
 * CPUs (Cortex-A53/A72/A76, x86), which also defeats the adjacent-line prefetcher, and one full line
 * on 128-byte-line CPUs. Words are {@code int}s at 4-byte aligned offsets, so every access is a
 * single-copy atomic access on 32-bit ARM as well as on 64-bit targets.
 *
 * <p>All accesses go through {@link #INT}, a byte-buffer view {@link VarHandle} in native byte
 * order. It is legal only on direct (or mapped) buffers: JDK 22 and later reject atomic access to
 * heap buffers, which is why the control block is always direct even when the data ring is a
 * {@code byte[]}.
 */
final class ControlBlock {
    /** Bytes reserved at the start for a header (used by queues shared through a file). */
    static final int HEADER = 0;
    /** Producer-written: the end of the committed bytes. */
    static final int WRITE = 128;
    /** Producer-written: the watermark, the end of valid data in the upper region while inverted. */
    static final int LAST = WRITE + 4;
    /** Consumer-written: the start of the bytes not yet released. */
    static final int READ = 256;
    /** Total length of the control block in bytes. */
    static final int LENGTH = 384;
    /** Alignment of the control block and of direct data storage. */
    static final int ALIGNMENT = 64;

    /** int view of the control block; offsets above are byte offsets. */
    static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

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
