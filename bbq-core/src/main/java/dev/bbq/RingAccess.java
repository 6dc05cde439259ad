package dev.bbq;

import java.nio.ByteBuffer;

/**
 * The ring's payload copies, in the form a multi-release jar picks for the running JDK.
 *
 * <p>This is the {@code ByteBuffer} form, which every JDK runs from the default jar: the copies go
 * through {@link BufferAccess} on the ring's {@code ByteBuffer}, and a ring has no segment. Built with
 * {@code -P java22-memory-segments}, the jar's {@code META-INF/versions/22} also holds a class of the
 * same name that copies through a {@code java.lang.foreign.MemorySegment} over the same memory (the FFM
 * API is final in Java 22: no flag, no {@code Unsafe}); measured, it was no faster (docs/performance.md,
 * "All candidates in one JVM"). A JVM loads only one of the two, so both keep these members, with the
 * same meaning.
 *
 * <p>The copies touch only bytes the calling side owns by the grant rules, and neither form moves
 * the shared buffer's position or limit, so either thread may call them; the ordering of what they
 * copy against the indices and flags is the callers' (rules R2, R4 and R11 of {@link Ring}).
 */
final class RingAccess {
    /**
     * Which form this JVM runs, {@code "ByteBuffer"} or {@code "MemorySegment"}, for tests and diagnostics (a
     * method: a constant would be compiled into its callers, whichever class the jar gives the JVM).
     */
    static String form() {
        return "ByteBuffer";
    }

    private RingAccess() {
    }

    /** What a ring keeps beside {@code data} for its copies: nothing in this form. */
    static Object segment(ByteBuffer data) {
        return null;
    }

    /** Copies {@code data[index, index + len)} to {@code dst[off, ...)}; the consumer's side. */
    static void get(ByteBuffer data, ByteBuffer sideView, Object segment, int index, byte[] dst, int off, int len) {
        BufferAccess.get(data, sideView, index, dst, off, len);
    }

    /** Copies {@code src[off, off + len)} to {@code data[index, ...)}; the producer's side. */
    static void put(ByteBuffer data, ByteBuffer sideView, Object segment, int index, byte[] src, int off, int len) {
        BufferAccess.put(data, sideView, index, src, off, len);
    }
}
