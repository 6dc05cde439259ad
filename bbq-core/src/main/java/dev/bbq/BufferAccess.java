package dev.bbq;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * The three {@code ByteBuffer} calls whose best form depends on the running JDK: cutting a slice of
 * the ring, and copying bytes out of and into it at an absolute index.
 *
 * <p>JDK 13 added {@code slice(int, int)} and JDK 16 the absolute bulk {@code get}/{@code put}
 * ({@code (int, byte[], int, int)}). They read and write no buffer state, so either thread may use
 * them on the shared ring buffer. On older JDKs the same result comes from repositioning the calling
 * side's private view ({@code Ring}'s {@code pView} or {@code cView}), which only that side's thread
 * touches.
 *
 * <p>The form is chosen once, from {@link Runtime.Version#feature()}, never by probing with
 * reflection: on JDK 11 a lookup of {@code slice(int, int)} finds a non-public method and fails with
 * {@code IllegalAccessException}, not {@code NoSuchMethodException}, so probing picked neither path.
 * The handles are {@code static final} so that C2 folds each call into the method it names; an
 * instance field holding them would not be trusted as a constant. Each call's handler only makes a
 * new {@code AssertionError} (callers check bounds first): with a method call in the handler, C2 no
 * longer scalar-replaced a read grant held in try-with-resources (AllocationFreeLoops measured 64
 * instead of 32 bytes per cycle in raw-try-with-resources).
 *
 * <p>Every path runs in {@code mvn verify}: the whole core suite runs on JDK 11 (the repositioning
 * forms) and on JDK 17 and the newest JDK (the absolute forms), and {@code BufferAccessTest} runs both
 * forms side by side on whatever JDK runs it.
 */
final class BufferAccess {
    /** The first JDK with {@code ByteBuffer.slice(int, int)}. */
    static final int ABSOLUTE_SLICE_SINCE = 13;
    /** The first JDK with {@code ByteBuffer.get(int, byte[], int, int)} and its {@code put} twin. */
    static final int ABSOLUTE_BULK_SINCE = 16;

    private static final int FEATURE = Runtime.version().feature();

    /** Whether this JDK cuts slices with {@code slice(int, int)}. */
    static final boolean ABSOLUTE_SLICE = FEATURE >= ABSOLUTE_SLICE_SINCE;
    /** Whether this JDK copies with the absolute bulk {@code get}/{@code put}. */
    static final boolean ABSOLUTE_BULK = FEATURE >= ABSOLUTE_BULK_SINCE;

    private static final MethodHandle SLICE;
    private static final MethodHandle GET;
    private static final MethodHandle PUT;

    static {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        try {
            SLICE = ABSOLUTE_SLICE
                    ? MethodHandles.dropArguments(lookup.findVirtual(ByteBuffer.class, "slice",
                            MethodType.methodType(ByteBuffer.class, int.class, int.class)), 1, ByteBuffer.class)
                    : lookup.findStatic(BufferAccess.class, "sliceByRepositioning", MethodType.methodType(
                            ByteBuffer.class, ByteBuffer.class, ByteBuffer.class, int.class, int.class));
            GET = bulk(lookup, "get", "getByRepositioning");
            PUT = bulk(lookup, "put", "putByRepositioning");
        } catch (ReflectiveOperationException e) {
            // A JDK whose version promises the method but lacks it: nothing sensible to fall back to.
            throw new ExceptionInInitializerError(e);
        }
    }

    private static MethodHandle bulk(MethodHandles.Lookup lookup, String absolute, String repositioning)
            throws ReflectiveOperationException {
        MethodType shape = MethodType.methodType(void.class, ByteBuffer.class, ByteBuffer.class, int.class,
                byte[].class, int.class, int.class);
        if (!ABSOLUTE_BULK) {
            return lookup.findStatic(BufferAccess.class, repositioning, shape);
        }
        MethodHandle call = lookup.findVirtual(ByteBuffer.class, absolute,
                MethodType.methodType(ByteBuffer.class, int.class, byte[].class, int.class, int.class));
        return MethodHandles.dropArguments(call, 1, ByteBuffer.class).asType(shape);
    }

    private BufferAccess() {
    }

    /**
     * A new buffer over {@code data[start, start + length)}: position 0, limit = capacity = length.
     * {@code sideView} is the calling side's private view of {@code data}; only older JDKs move it.
     */
    static ByteBuffer slice(ByteBuffer data, ByteBuffer sideView, int start, int length) {
        try {
            return (ByteBuffer) SLICE.invokeExact(data, sideView, start, length);
        } catch (Throwable e) {
            throw new AssertionError(e); // callers check bounds first
        }
    }

    /** Copies {@code data[index, index + len)} to {@code dst[off, ...)}; {@code sideView} as in {@link #slice}. */
    static void get(ByteBuffer data, ByteBuffer sideView, int index, byte[] dst, int off, int len) {
        try {
            GET.invokeExact(data, sideView, index, dst, off, len);
        } catch (Throwable e) {
            throw new AssertionError(e); // callers check bounds first
        }
    }

    /** Copies {@code src[off, off + len)} to {@code data[index, ...)}; {@code sideView} as in {@link #slice}. */
    static void put(ByteBuffer data, ByteBuffer sideView, int index, byte[] src, int off, int len) {
        try {
            PUT.invokeExact(data, sideView, index, src, off, len);
        } catch (Throwable e) {
            throw new AssertionError(e); // callers check bounds first
        }
    }

    // The forms for JDK 11 and 12 (slice) and 11 to 15 (bulk copies). Package-private so that a test
    // on a newer JDK can run them beside the absolute forms.

    static ByteBuffer sliceByRepositioning(ByteBuffer data, ByteBuffer sideView, int start, int length) {
        sideView.clear();
        sideView.position(start);
        sideView.limit(start + length);
        return sideView.slice();
    }

    static void getByRepositioning(ByteBuffer data, ByteBuffer sideView, int index, byte[] dst, int off, int len) {
        sideView.clear();
        sideView.position(index);
        sideView.get(dst, off, len);
    }

    static void putByRepositioning(ByteBuffer data, ByteBuffer sideView, int index, byte[] src, int off, int len) {
        sideView.clear();
        sideView.position(index);
        sideView.put(src, off, len);
    }
}
