package dev.bbq;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.Set;

/**
 * A queue file: the control block and the data ring of one queue in one memory-mapped file, so
 * that two JVMs (a producer process and a consumer process) share the queue. The state machine is
 * the same {@link Ring}; only the home of its words changes ({@link ControlBlock#in(ByteBuffer)}).
 *
 * <pre>
 *   byte 0     +--------------------------------------------------------------+
 *              | MAGIC             long  "BBQUEUE1" (0x4242515545554531)       |
 *              | VERSION           int   layout version, 2                     |
 *              | CAPACITY          int   ring size in bytes                    |
 *              | BYTE_ORDER        int   0x01020304 in the creator's order     |
 *              | MODE              int   0 not chosen yet, 1 raw, 2 framed     |
 *              | DATA_OFFSET       int   4096: where the ring starts           |
 *              | READY             int   1, stored last with release           |
 *              | PRODUCER_PID      long  the process that took the producer    |
 *              |                         half last (information only)        |
 *              | CONSUMER_PID      long                                        |
 *              | PRODUCER_ATTACHES long  times a process took the producer     |
 *              | CONSUMER_ATTACHES long  times a process took the consumer     |
 *              | FRAMES_CUT        long  commits cut by a death, skipped (R12)   |
 *   byte 128   +--------------------------------------------------------------+
 *              | the control block's words (see ControlBlock)                 |
 *   byte 640   +--------------------------------------------------------------+
 *              | the producer's counters (long): bytes and frames committed,  |
 *              | grants refused, frames and bytes dropped, wait ns, high water |
 *   byte 768   +--------------------------------------------------------------+
 *              | the consumer's counters: bytes and frames released, wait ns, |
 *              | high water                                                   |
 *   byte 896   +--------------------------------------------------------------+
 *              | zero up to DATA_OFFSET (page-aligned data); bytes 4094 and   |
 *              | 4095 are the producer's and the consumer's lock ranges       |
 *   byte 4096  +--------------------------------------------------------------+
 *              | the ring: CAPACITY bytes                                     |
 *              +--------------------------------------------------------------+
 * </pre>
 *
 * <p>Creating a file writes the header, lets the ring initialise its words, and stores READY last
 * with release; opening one reads and validates every header field and writes nothing (agrona#229:
 * a process that attaches must not disturb one that is running).
 *
 * <p><b>Ownership is a kernel lock.</b> A process holds a half while it holds an exclusive
 * {@code FileChannel} lock on that half's byte (a POSIX record lock on Linux), which the kernel
 * drops when the process dies, whatever the clocks, pids or namespaces say: liveness is the lock,
 * never a pid or a start time. The pid fields only name the holder in messages and in the
 * inspector. Record locks belong to the process, and closing <em>any</em> descriptor of the file
 * drops all of them, so this JVM keeps exactly one channel per queue file ({@link SharedChannel})
 * and never closes it while the JVM runs. Two locks of one JVM on one range throw
 * {@code OverlappingFileLockException} (the JDK tracks them per JVM), which is how a half held
 * elsewhere in this JVM is told apart from one held by another process.
 */
final class QueueFile {
    static final long MAGIC = 0x4242_5155_4555_4531L;
    static final int VERSION = 2;
    static final int BYTE_ORDER_MARK = 0x0102_0304;
    static final int MODE_UNSET = 0;
    static final int MODE_RAW = 1;
    static final int MODE_FRAMED = 2;
    static final int DATA_OFFSET = 4096;

    static final int OFF_MAGIC = 0;
    static final int OFF_VERSION = 8;
    static final int OFF_CAPACITY = 12;
    static final int OFF_BYTE_ORDER = 16;
    static final int OFF_MODE = 20;
    static final int OFF_DATA_OFFSET = 24;
    static final int OFF_READY = 28;
    static final int OFF_PRODUCER_PID = 32;
    static final int OFF_CONSUMER_PID = 40;
    static final int OFF_PRODUCER_ATTACHES = 48;
    static final int OFF_CONSUMER_ATTACHES = 56;
    static final int OFF_FRAMES_CUT = 64;
    // Each side's counters, in a line of that side's own after the control block (long words).
    static final int OFF_P_BYTES_COMMITTED = 640;
    static final int OFF_P_FRAMES_COMMITTED = 648;
    static final int OFF_P_GRANTS_REFUSED = 656;
    static final int OFF_P_FRAMES_DROPPED = 664;
    static final int OFF_P_BYTES_DROPPED = 672;
    static final int OFF_P_WAIT_NANOS = 680;
    static final int OFF_P_HIGH_WATER = 688;
    static final int OFF_C_BYTES_RELEASED = 768;
    static final int OFF_C_FRAMES_RELEASED = 776;
    static final int OFF_C_WAIT_NANOS = 784;
    static final int OFF_C_HIGH_WATER = 792;
    /** The byte whose lock is the producer half; the consumer's is the next one. */
    static final long LOCK_PRODUCER = DATA_OFFSET - 2;
    static final long LOCK_CONSUMER = DATA_OFFSET - 1;

    private static final Map<Integer, String> HEADER_NAMES = Map.of(OFF_PRODUCER_PID, "producer pid",
            OFF_CONSUMER_PID, "consumer pid", OFF_PRODUCER_ATTACHES, "producer attaches", OFF_CONSUMER_ATTACHES,
            "consumer attaches", OFF_FRAMES_CUT, "frames cut");

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** How often, at most, a slow path asks the OS for the file's size (truncation check). */
    private static final long SIZE_CHECK_INTERVAL_NANOS = 10_000_000L;
    /** How long a claim retries a lock that another process holds only to probe it. */
    private static final long CLAIM_PATIENCE_NANOS = 50_000_000L;

    final Path path;
    /** The whole mapping. */
    final MappedByteBuffer map;
    final int capacity;
    /** This JVM's one channel to the file, which holds the locks. */
    private final SharedChannel shared;
    /** The locks of the halves this object took, or null. Guarded by this. */
    private FileLock producerLock;
    private FileLock consumerLock;
    /** When a slow path may next ask for the file's size; touched by either side's thread. */
    private volatile long nextSizeCheck;

    private QueueFile(Path path, MappedByteBuffer map, int capacity, SharedChannel shared) {
        this.path = path;
        this.map = map;
        this.capacity = capacity;
        this.shared = shared;
    }

    /** The control block: the mapping's first {@link ControlBlock#LENGTH} bytes. */
    ControlBlock controlBlock() {
        ByteBuffer control = map.duplicate();
        control.position(0).limit(ControlBlock.LENGTH);
        return ControlBlock.in(control.slice());
    }

    /** The ring: {@code capacity} bytes from {@link #DATA_OFFSET}. */
    ByteBuffer ring() {
        ByteBuffer ring = map.duplicate();
        ring.position(DATA_OFFSET).limit(DATA_OFFSET + capacity);
        return ring.slice();
    }

    /**
     * Creates a new queue file, readable and writable by its owner only (and its group with
     * {@link MappedOption#SHARED_WITH_GROUP}), with every page reserved; removes it again if
     * anything fails after it was created.
     */
    static QueueFile create(Path path, int capacity, Set<MappedOption> options) throws IOException {
        long size = (long) DATA_OFFSET + capacity;
        QueueFileSafety.checkSpace(path, size);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), QueueFileSafety.creationMode(path, options));
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(path.toString(), null, "a file is already there; createMapped "
                    + "makes a new queue file (use openMapped to attach to an existing one)");
        }
        SharedChannel shared = null;
        try {
            shared = SharedChannel.register(path, channel);
            QueueFileSafety.applyCreationMode(path, options);
            QueueFileSafety.reserve(path, channel, size); // every page written: no SIGBUS later on a full tmpfs
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            map.order(ByteOrder.nativeOrder());
            LONG.set(map, OFF_MAGIC, MAGIC);
            INT.set(map, OFF_VERSION, VERSION);
            INT.set(map, OFF_CAPACITY, capacity);
            INT.set(map, OFF_BYTE_ORDER, BYTE_ORDER_MARK);
            INT.set(map, OFF_MODE, MODE_UNSET);
            INT.set(map, OFF_DATA_OFFSET, DATA_OFFSET);
            return new QueueFile(path, map, capacity, shared);
        } catch (Throwable t) {
            // A half-made file would block the path (not ready, yet there): remove what this call made.
            if (shared != null) {
                SharedChannel.discard(path, shared);
            } else {
                channel.close();
            }
            QueueFileSafety.removeAfterFailure(path, t);
            throw t;
        }
    }

    /** Publishes the header: every field (and the ring's words) before READY, with release. */
    void markReady() {
        INT.setRelease(map, OFF_READY, 1);
        map.force();
    }

    /**
     * Opens an existing queue file, after checking that this user may trust it, validating every
     * header field; writes nothing. The channel is this JVM's one channel to the file: opening a
     * file twice in one JVM shares it, and it is never closed, because closing any descriptor of the
     * file would drop this process's locks on it.
     */
    static QueueFile open(Path path, Set<MappedOption> options) throws IOException {
        QueueFileSafety.checkTrusted(path, options);
        SharedChannel shared = SharedChannel.open(path);
        FileChannel channel = shared.channel;
        long size = channel.size();
        if (size < DATA_OFFSET) {
            throw new CorruptQueueFileException(path, "it is " + size + " bytes long, shorter than a queue file's "
                    + DATA_OFFSET + "-byte header");
        }
        ByteBuffer header = ByteBuffer.allocate(ControlBlock.LENGTH).order(ByteOrder.nativeOrder());
        while (header.hasRemaining() && channel.read(header, header.position()) > 0) {
            // read the header without mapping anything yet
        }
        header.flip();
        int capacity = validate(header, size, path.toString());
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, (long) DATA_OFFSET + capacity);
        map.order(ByteOrder.nativeOrder());
        return new QueueFile(path, map, capacity, shared);
    }

    /**
     * Checks a queue file header and its control block (the first {@link ControlBlock#LENGTH} bytes
     * of the file, in native order) against the file's size, and returns the capacity. Every field
     * is checked, and every index word must lie inside the ring, so that a damaged file is named
     * here and not met as an index error inside a read; nothing outside {@code header} is read.
     * This is the code that parses bytes another process wrote, so it is also fuzzed.
     *
     * @throws CorruptQueueFileException naming the first field that is wrong
     */
    static int validate(ByteBuffer header, long fileSize, String name) throws CorruptQueueFileException {
        if (header.remaining() < ControlBlock.LENGTH) {
            throw new CorruptQueueFileException(name, "its header is truncated (" + header.remaining() + " bytes)");
        }
        int base = header.position();
        long magic = header.getLong(base + OFF_MAGIC);
        if (magic != MAGIC) {
            throw new CorruptQueueFileException(name, "it is not a bbq queue file (magic 0x" + Long.toHexString(magic)
                    + ", expected 0x" + Long.toHexString(MAGIC) + ")");
        }
        int order = header.getInt(base + OFF_BYTE_ORDER);
        if (order != BYTE_ORDER_MARK) {
            throw new CorruptQueueFileException(name, "it was written with the other byte order (mark 0x"
                    + Integer.toHexString(order) + "); open it on a machine of the creator's byte order");
        }
        int version = header.getInt(base + OFF_VERSION);
        if (version != VERSION) {
            throw new CorruptQueueFileException(name, "its layout version is " + version + "; this bbq reads version "
                    + VERSION);
        }
        int capacity = header.getInt(base + OFF_CAPACITY);
        if (capacity < 1 || capacity > BBQueue.MAX_CAPACITY) {
            throw new CorruptQueueFileException(name, "its capacity field is " + capacity);
        }
        int dataOffset = header.getInt(base + OFF_DATA_OFFSET);
        if (dataOffset != DATA_OFFSET) {
            throw new CorruptQueueFileException(name, "its data offset is " + dataOffset + ", expected " + DATA_OFFSET);
        }
        if (fileSize < (long) DATA_OFFSET + capacity) {
            throw new CorruptQueueFileException(name, "it is truncated: " + fileSize + " bytes, but a " + capacity
                    + "-byte queue needs " + ((long) DATA_OFFSET + capacity));
        }
        int mode = header.getInt(base + OFF_MODE);
        if (mode != MODE_UNSET && mode != MODE_RAW && mode != MODE_FRAMED) {
            throw new CorruptQueueFileException(name, "its mode field is " + mode);
        }
        int ready = header.getInt(base + OFF_READY);
        if (ready != 1) {
            throw new CorruptQueueFileException(name, "it is not ready (ready field " + ready
                    + "): its creator has not finished, or died while creating it");
        }
        for (int off : new int[] {OFF_PRODUCER_PID, OFF_CONSUMER_PID, OFF_PRODUCER_ATTACHES, OFF_CONSUMER_ATTACHES,
                OFF_FRAMES_CUT}) {
            long value = header.getLong(base + off);
            if (value < 0) {
                throw new CorruptQueueFileException(name, "its " + HEADER_NAMES.get(off) + " field is " + value);
            }
        }
        // Each word on its own: the other process may be moving them, but never outside the ring.
        checkIndex(header, base + ControlBlock.WRITE, "write index", capacity, name);
        checkIndex(header, base + ControlBlock.LAST, "watermark", capacity, name);
        checkIndex(header, base + ControlBlock.READ, "read index", capacity, name);
        checkIndex(header, base + ControlBlock.COMMIT_START, "commit start", capacity, name);
        for (int off : new int[] {ControlBlock.PRODUCER_CLOSED, ControlBlock.CONSUMER_CLOSED}) {
            int closed = header.getInt(base + off);
            if (closed != 0 && closed != 1) {
                throw new CorruptQueueFileException(name, "a half's closed flag is " + closed);
            }
        }
        return capacity;
    }

    private static void checkIndex(ByteBuffer header, int offset, String what, int capacity, String name)
            throws CorruptQueueFileException {
        int value = header.getInt(offset);
        if (value < 0 || value > capacity) {
            throw new CorruptQueueFileException(name, "its " + what + " is " + value + ", outside its " + capacity
                    + "-byte ring");
        }
    }

    /** The queue's mode as recorded, {@link #MODE_UNSET} until a half is taken. */
    int mode() {
        return (int) INT.getAcquire(map, OFF_MODE);
    }

    /**
     * Claims the producer (or consumer) half for this process: chooses the mode if nobody has, then
     * takes the half's lock. A half held by a live process is refused with its pid; a half whose
     * process died is free, because the kernel dropped the lock. Afterwards the pid field names this
     * process and the half's attach count is one higher.
     *
     * @throws IllegalStateException if another process, or another attachment in this JVM, holds it
     */
    synchronized void claim(boolean producer, int mode) {
        if (!INT.compareAndSet(map, OFF_MODE, MODE_UNSET, mode)) {
            int recorded = mode();
            if (recorded != mode) {
                throw new IllegalStateException("the queue in " + path + " is " + (recorded == MODE_RAW ? "raw" : "framed")
                        + ": its halves are taken with " + (recorded == MODE_RAW ? "producer()/consumer()"
                        : "frameProducer()/frameConsumer()"));
            }
        }
        String half = producer ? "producer" : "consumer";
        FileLock lock;
        try {
            lock = lock(producer ? LOCK_PRODUCER : LOCK_CONSUMER);
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("the " + half + " half of the queue in " + path
                    + " is already held in this process (by another openMapped of the same file)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the " + half + " half of the queue in " + path, e);
        }
        if (lock == null) {
            long pid = (long) LONG.getAcquire(map, producer ? OFF_PRODUCER_PID : OFF_CONSUMER_PID);
            throw new IllegalStateException("the " + half + " half of the queue in " + path + " is held by process "
                    + pid + " (a half is taken by one process at a time; it is free again when that process closes"
                    + " it or ends)");
        }
        if (producer) {
            producerLock = lock;
        } else {
            consumerLock = lock;
        }
        LONG.setRelease(map, producer ? OFF_PRODUCER_PID : OFF_CONSUMER_PID, ProcessHandle.current().pid());
        int attaches = producer ? OFF_PRODUCER_ATTACHES : OFF_CONSUMER_ATTACHES;
        LONG.setRelease(map, attaches, (long) LONG.getAcquire(map, attaches) + 1); // only the lock's holder writes it
    }

    /**
     * Takes the lock at {@code position}, retrying for a moment: another process's
     * {@link #held(boolean)} probe holds a free half's lock for a few microseconds.
     */
    private FileLock lock(long position) throws IOException {
        long deadline = System.nanoTime() + CLAIM_PATIENCE_NANOS;
        while (true) {
            FileLock lock = shared.channel.tryLock(position, 1, false);
            if (lock != null || System.nanoTime() - deadline > 0) {
                return lock;
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    /** Gives the half back: its lock is released, and another process may take it at once. */
    synchronized void release(boolean producer) {
        FileLock lock = producer ? producerLock : consumerLock;
        if (lock == null) {
            return;
        }
        if (producer) {
            producerLock = null;
        } else {
            consumerLock = null;
        }
        try {
            lock.release();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unlock a half of the queue in " + path, e);
        }
    }

    /**
     * Whether some process holds the producer (or consumer) half now. Asks the kernel: a lock this
     * JVM can take is held by nobody (it is given back at once). Allocates, so it is for queries, not
     * for wait loops.
     */
    synchronized boolean held(boolean producer) {
        if ((producer ? producerLock : consumerLock) != null) {
            return true;
        }
        try {
            FileLock probe = shared.channel.tryLock(producer ? LOCK_PRODUCER : LOCK_CONSUMER, 1, false);
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // another attachment in this JVM holds it
        } catch (IOException e) {
            throw new UncheckedIOException("cannot probe a half's lock of the queue in " + path, e);
        }
    }

    /** The recorded process id of the producer (or consumer) that took the half last, 0 if none yet. */
    long pid(boolean producer) {
        return (long) LONG.getAcquire(map, producer ? OFF_PRODUCER_PID : OFF_CONSUMER_PID);
    }

    /**
     * Reads a queue file's first page for {@link QueueFileStatus} without taking a half: through
     * this JVM's channel if it has one (closing another descriptor would drop its locks), else
     * through a read-only channel of its own. Whether a half is held is asked with a shared lock
     * attempt, which fails while the holder's exclusive lock stands and is given back at once.
     */
    static QueueFileStatus inspect(Path path) throws IOException {
        SharedChannel shared = SharedChannel.existing(path);
        FileChannel channel = shared != null ? shared.channel : FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < DATA_OFFSET) {
                throw new CorruptQueueFileException(path, "it is " + size + " bytes long, shorter than a queue file's "
                        + DATA_OFFSET + "-byte header");
            }
            MappedByteBuffer page = channel.map(FileChannel.MapMode.READ_ONLY, 0, DATA_OFFSET);
            page.order(ByteOrder.nativeOrder());
            ByteBuffer header = page.duplicate().order(ByteOrder.nativeOrder());
            header.limit(ControlBlock.LENGTH);
            int capacity = validate(header.slice().order(ByteOrder.nativeOrder()), size, path.toString());
            return new QueueFileStatus(path, page, capacity, heldBySomeone(channel, LOCK_PRODUCER),
                    heldBySomeone(channel, LOCK_CONSUMER));
        } finally {
            if (shared == null) {
                channel.close();
            }
        }
    }

    private static boolean heldBySomeone(FileChannel channel, long position) throws IOException {
        try {
            FileLock probe = channel.tryLock(position, 1, true);
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held in this JVM
        }
    }

    static int intAt(ByteBuffer page, int offset) {
        return (int) INT.getAcquire(page, offset);
    }

    static long longAt(ByteBuffer page, int offset) {
        return (long) LONG.getAcquire(page, offset);
    }

    /** Counts a commit cut by a death and turned into a skip record (R12); the producer's lock holder only. */
    void countFrameCut() {
        LONG.setRelease(map, OFF_FRAMES_CUT, (long) LONG.getAcquire(map, OFF_FRAMES_CUT) + 1);
    }

    /**
     * On a slow path (a wait's round; one refused grant or empty read in 64, see Ring.refused):
     * whether the file still has its full length.
     * A file truncated under a mapping faults (SIGBUS) on the first access beyond its end; this
     * check, at most every 10 ms, names the problem first in the common case (someone truncated or
     * replaced the file while the queue runs). A truncation between two checks can still fault.
     */
    void checkSize() {
        long now = System.nanoTime();
        if (now - nextSizeCheck < 0) {
            return;
        }
        nextSizeCheck = now + SIZE_CHECK_INTERVAL_NANOS;
        long size;
        try {
            size = shared.channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of the queue file " + path, e);
        }
        if (size < (long) DATA_OFFSET + capacity) {
            throw new IllegalStateException("the queue file " + path + " was truncated to " + size
                    + " bytes while mapped (it needs " + ((long) DATA_OFFSET + capacity)
                    + "): another process changed it; the queue cannot go on");
        }
    }

    static boolean exists(Path path) {
        return Files.exists(path);
    }
}
