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
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A queue file: the control block and the data ring of one queue in one memory-mapped file, so
 * that two JVMs (a producer process and a consumer process) share the queue. The state machine is
 * the same {@link Ring}; only the home of its words changes ({@link ControlBlock#in(ByteBuffer)}).
 *
 * <pre>
 *   byte 0     +--------------------------------------------------------------+
 *              | MAGIC            long  "BBQUEUE1" (0x4242515545554531)        |
 *              | VERSION          int   layout version, 1                      |
 *              | CAPACITY         int   ring size in bytes                     |
 *              | BYTE_ORDER       int   0x01020304 in the creator's order      |
 *              | MODE             int   0 not chosen yet, 1 raw, 2 framed      |
 *              | DATA_OFFSET      int   4096: where the ring starts            |
 *              | READY            int   1, stored last with release            |
 *              | PRODUCER_TAKEN   int   0 free, 1 taken (compare-and-set)      |
 *              | CONSUMER_TAKEN   int   0 free, 1 taken                        |
 *              | PRODUCER_PID     long  the producer's process id              |
 *              | PRODUCER_START   long  its start time, epoch ms (PID reuse)   |
 *              | CONSUMER_PID     long                                         |
 *              | CONSUMER_START   long                                         |
 *   byte 128   +--------------------------------------------------------------+
 *              | the control block's words (see ControlBlock)                 |
 *   byte 640   +--------------------------------------------------------------+
 *              | zero up to DATA_OFFSET (page-aligned data)                   |
 *   byte 4096  +--------------------------------------------------------------+
 *              | the ring: CAPACITY bytes                                     |
 *              +--------------------------------------------------------------+
 * </pre>
 *
 * <p>Creating a file writes the header, lets the ring initialise its words, and stores READY last
 * with release; opening one reads and validates every header field and writes nothing (agrona#229:
 * a process that attaches must not disturb one that is running). Taking a half later claims it
 * with a compare-and-set on its TAKEN word (set-up, not the hot path) and records the process, so
 * that the other side can tell when it has gone.
 */
final class QueueFile {
    static final long MAGIC = 0x4242_5155_4555_4531L;
    static final int VERSION = 1;
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
    static final int OFF_PRODUCER_TAKEN = 32;
    static final int OFF_CONSUMER_TAKEN = 36;
    static final int OFF_PRODUCER_PID = 40;
    static final int OFF_PRODUCER_START = 48;
    static final int OFF_CONSUMER_PID = 56;
    static final int OFF_CONSUMER_START = 64;

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** How often, at most, a waiting side asks the OS whether the other process still runs. */
    private static final long LIVENESS_INTERVAL_NANOS = 10_000_000L;

    final Path path;
    /** The whole mapping. */
    final MappedByteBuffer map;
    final int capacity;
    private long nextLivenessCheck;
    private boolean peerGone;

    private QueueFile(Path path, MappedByteBuffer map, int capacity) {
        this.path = path;
        this.map = map;
        this.capacity = capacity;
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
        try (channel) {
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
            return new QueueFile(path, map, capacity);
        } catch (Throwable t) {
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
     * header field; writes nothing.
     */
    static QueueFile open(Path path, Set<MappedOption> options) throws IOException {
        QueueFileSafety.checkTrusted(path, options);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
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
            return new QueueFile(path, map, capacity);
        }
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
        for (int off : new int[] {OFF_PRODUCER_TAKEN, OFF_CONSUMER_TAKEN}) {
            int taken = header.getInt(base + off);
            if (taken != 0 && taken != 1) {
                throw new CorruptQueueFileException(name, "a half's taken field is " + taken);
            }
        }
        // Each word on its own: the other process may be moving them, but never outside the ring.
        checkIndex(header, base + ControlBlock.WRITE, "write index", capacity, name);
        checkIndex(header, base + ControlBlock.LAST, "watermark", capacity, name);
        checkIndex(header, base + ControlBlock.READ, "read index", capacity, name);
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
     * Claims the producer (or consumer) half for this process: chooses the mode if nobody has, takes
     * the half if it is free or if the process that took it has gone, and records this process.
     */
    void claim(boolean producer, int mode) {
        if (!INT.compareAndSet(map, OFF_MODE, MODE_UNSET, mode)) {
            int recorded = mode();
            if (recorded != mode) {
                throw new IllegalStateException("the queue in " + path + " is " + (recorded == MODE_RAW ? "raw" : "framed")
                        + ": its halves are taken with " + (recorded == MODE_RAW ? "producer()/consumer()"
                        : "frameProducer()/frameConsumer()"));
            }
        }
        int takenOffset = producer ? OFF_PRODUCER_TAKEN : OFF_CONSUMER_TAKEN;
        int pidOffset = producer ? OFF_PRODUCER_PID : OFF_CONSUMER_PID;
        int startOffset = producer ? OFF_PRODUCER_START : OFF_CONSUMER_START;
        if (!INT.compareAndSet(map, takenOffset, 0, 1)) {
            long pid = (long) LONG.getAcquire(map, pidOffset);
            long start = (long) LONG.getAcquire(map, startOffset);
            if (alive(pid, start)) {
                throw new IllegalStateException("the " + (producer ? "producer" : "consumer") + " half of the queue in "
                        + path + " was already taken by process " + pid);
            }
            // Its process has gone: this process takes over.
        }
        ProcessHandle self = ProcessHandle.current();
        LONG.setRelease(map, startOffset, startMillis(self));
        LONG.setRelease(map, pidOffset, self.pid());
    }

    /**
     * Whether the other side's process has gone (died without closing). Asks the OS at most every
     * 10 ms; once gone, always gone.
     */
    boolean peerGone(boolean peerIsProducer) {
        if (peerGone) {
            return true;
        }
        long now = System.nanoTime();
        if (now - nextLivenessCheck < 0) {
            return false;
        }
        nextLivenessCheck = now + LIVENESS_INTERVAL_NANOS;
        int takenOffset = peerIsProducer ? OFF_PRODUCER_TAKEN : OFF_CONSUMER_TAKEN;
        if ((int) INT.getAcquire(map, takenOffset) == 0) {
            return false; // not started yet
        }
        long pid = (long) LONG.getAcquire(map, peerIsProducer ? OFF_PRODUCER_PID : OFF_CONSUMER_PID);
        long start = (long) LONG.getAcquire(map, peerIsProducer ? OFF_PRODUCER_START : OFF_CONSUMER_START);
        if (pid != 0 && !alive(pid, start)) {
            peerGone = true;
        }
        return peerGone;
    }

    /** The recorded process id of the producer (or consumer), 0 if none yet. */
    long pid(boolean producer) {
        return (long) LONG.getAcquire(map, producer ? OFF_PRODUCER_PID : OFF_CONSUMER_PID);
    }

    private static boolean alive(long pid, long startMillis) {
        if (pid == 0) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        long start = startMillis(handle.get());
        return start == 0 || startMillis == 0 || start == startMillis; // a reused pid has another start time
    }

    private static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    static boolean exists(Path path) {
        return Files.exists(path);
    }
}
