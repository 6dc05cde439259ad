package dev.bbq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The queue's control block: the layout of the words the producer and the consumer exchange, and
 * the two places those words can live. {@link Ring} reads and writes them only through this class,
 * so the same state machine runs whether the block is private to one JVM ({@link #onHeap()}: an
 * {@code int[]}, whose element access needs no bounds or alignment checks beyond the array's) or
 * shared by two through a mapped file ({@link #in(ByteBuffer)}: the first bytes of the mapping).
 * A JVM that uses only one kind sees a single implementation, which C2 inlines as if there were
 * no abstraction.
 *
 * <pre>
 *   byte 0   +----------------------------------------------------+
 *            | header, 128 B (written once before the queue is    |
 *            | shared; unused by in-process queues)               |
 *   byte 128 +----------------------------------------------------+  producer's line (written per commit)
 *            | WRITE             int   end of committed bytes      |
 *            | LAST              int   watermark                   |
 *            | COMMIT_START      int   start of the latest frame   |
 *            |                         commit (queue files: R12)   |
 *   byte 256 +----------------------------------------------------+  consumer's line (written per release)
 *            | READ              int   start of unreleased bytes   |
 *   byte 384 +----------------------------------------------------+  consumer's flags (written once)
 *            | CONSUMER_CLOSED   int                               |
 *   byte 512 +----------------------------------------------------+  producer's flags (written once)
 *            | PRODUCER_CLOSED   int                               |
 *   byte 640   end (LENGTH)
 * </pre>
 *
 * <p>Each side writes only its own lines (rule R1 of {@link Ring}). The producer's and the consumer's
 * lines sit 128 bytes apart: two cache lines on 64-byte-line CPUs (Cortex-A53/A72/A76, x86), which
 * also defeats the adjacent-line prefetcher, and one full line on 128-byte-line CPUs. The closed
 * flags have lines of their own because the other side may read them often: a line nobody writes
 * stays in every reader's cache.
 *
 * <p>Words are {@code int}s at 4-byte aligned offsets (in the array, indices {@code offset / 4}), so
 * every access is single-copy atomic on 32-bit ARM as well as on 64-bit targets, and the offsets keep
 * their 128-byte distances in either home. A buffer home must be direct or mapped: JDK 22 and later
 * reject atomic access to heap buffers.
 */
abstract class ControlBlock {
    /** Bytes reserved at the start for a header (used by queues shared through a file). */
    static final int HEADER = 0;

    /** Producer: the end of the committed bytes. */
    static final int WRITE = 128;
    /** Producer: the watermark, the end of valid data in the upper region while inverted. */
    static final int LAST = WRITE + 4;
    /**
     * Producer, queue files only: where the frame being committed starts, stored before its index
     * (R12), so that a producer process taking over after a death can find a frame whose index was
     * published but whose flag never was, and turn it into a skip record.
     */
    static final int COMMIT_START = LAST + 4;

    /** Consumer: the start of the bytes not yet released. */
    static final int READ = 256;

    /** Consumer, once: non-zero when the consumer has closed. */
    static final int CONSUMER_CLOSED = 384;
    /** Producer, once: non-zero when the producer has closed. */
    static final int PRODUCER_CLOSED = 512;

    /** Total length of the control block in bytes. */
    static final int LENGTH = 640;
    /** Alignment of a buffer control block and of direct data storage. */
    static final int ALIGNMENT = 64;

    /** @return the word at byte offset {@code offset}, with acquire semantics */
    abstract int getAcquire(int offset);

    /** @return the word at byte offset {@code offset}, with volatile semantics */
    abstract int getVolatile(int offset);

    /** Stores {@code value} at byte offset {@code offset} with release semantics. */
    abstract void setRelease(int offset, int value);

    /** Stores {@code value} at byte offset {@code offset}, atomically but with no ordering of its own. */
    abstract void setOpaque(int offset, int value);

    /** A control block private to this JVM: zeroed words in an {@code int[]}. */
    static ControlBlock onHeap() {
        return new OnHeap();
    }

    /**
     * A control block in the first {@link #LENGTH} bytes of {@code buffer}, which must be direct (or
     * mapped) and 64-byte aligned at its position.
     */
    static ControlBlock in(ByteBuffer buffer) {
        return new InBuffer(buffer);
    }

    /** A direct buffer of exactly {@code length} bytes whose first byte is 64-byte aligned. */
    static ByteBuffer alignedDirect(int length) {
        ByteBuffer raw = ByteBuffer.allocateDirect(length + ALIGNMENT - 1);
        int misalignment = raw.alignmentOffset(0, ALIGNMENT);
        int start = misalignment == 0 ? 0 : ALIGNMENT - misalignment;
        raw.position(start).limit(start + length);
        return raw.slice().order(ByteOrder.nativeOrder());
    }

    private static final class OnHeap extends ControlBlock {
        private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(int[].class);
        private final int[] words = new int[LENGTH / 4];

        @Override
        int getAcquire(int offset) {
            return (int) WORD.getAcquire(words, offset >> 2);
        }

        @Override
        int getVolatile(int offset) {
            return (int) WORD.getVolatile(words, offset >> 2);
        }

        @Override
        void setRelease(int offset, int value) {
            WORD.setRelease(words, offset >> 2, value);
        }

        @Override
        void setOpaque(int offset, int value) {
            WORD.setOpaque(words, offset >> 2, value);
        }
    }

    private static final class InBuffer extends ControlBlock {
        private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
        private final ByteBuffer buffer;

        InBuffer(ByteBuffer buffer) {
            if (!buffer.isDirect() || buffer.remaining() < LENGTH || buffer.alignmentOffset(buffer.position(), ALIGNMENT) != 0) {
                throw new IllegalArgumentException("a control block needs " + LENGTH
                        + " bytes of direct memory starting on a 64-byte boundary");
            }
            this.buffer = buffer.slice().order(ByteOrder.nativeOrder());
        }

        @Override
        int getAcquire(int offset) {
            return (int) INT.getAcquire(buffer, offset);
        }

        @Override
        int getVolatile(int offset) {
            return (int) INT.getVolatile(buffer, offset);
        }

        @Override
        void setRelease(int offset, int value) {
            INT.setRelease(buffer, offset, value);
        }

        @Override
        void setOpaque(int offset, int value) {
            INT.setOpaque(buffer, offset, value);
        }
    }
}
