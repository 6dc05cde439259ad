package dev.bbq;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * The ring's payload copies on Java 22 and newer: through a {@link MemorySegment} over the ring's
 * memory (heap array, direct buffer or mapped file alike), made once per ring.
 *
 * <p>The segment is made from a duplicate of the ring's buffer with position 0 and limit at its
 * capacity, so segment offsets are ring offsets. {@link MemorySegment#ofBuffer} keeps the buffer
 * reachable and, for a mapped queue file, the mapping alive for as long as the segment is. The segment
 * has no confinement (a buffer's segment may be used by any thread), and {@code MemorySegment.copy} is
 * a plain copy, neither acquire nor release: as with the {@code ByteBuffer} form, the callers order
 * the copies against the indices and flags (rules R2, R4 and R11 of {@link Ring}).
 *
 * <p>The base class of the same name ({@code dev/bbq/RingAccess.class} in the jar) is the form for
 * Java 11 to 21; this one must keep its members and their meaning.
 */
final class RingAccess {
    /**
     * Which form this JVM runs, {@code "ByteBuffer"} or {@code "MemorySegment"}, for tests and diagnostics (a
     * method: a constant would be compiled into its callers, whichever class the jar gives the JVM).
     */
    static String form() {
        return "MemorySegment";
    }

    private RingAccess() {
    }

    /** The ring's bytes as a segment: offset {@code i} is {@code data}'s index {@code i}. */
    static Object segment(ByteBuffer data) {
        return MemorySegment.ofBuffer(data.duplicate().clear());
    }

    /** Copies {@code data[index, index + len)} to {@code dst[off, ...)}; the consumer's side. */
    static void get(ByteBuffer data, ByteBuffer sideView, Object segment, int index, byte[] dst, int off, int len) {
        MemorySegment.copy((MemorySegment) segment, ValueLayout.JAVA_BYTE, index, dst, off, len);
    }

    /** Copies {@code src[off, off + len)} to {@code data[index, ...)}; the producer's side. */
    static void put(ByteBuffer data, ByteBuffer sideView, Object segment, int index, byte[] src, int off, int len) {
        MemorySegment.copy(src, off, (MemorySegment) segment, ValueLayout.JAVA_BYTE, index, len);
    }
}
