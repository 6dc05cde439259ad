package dev.bbq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A bipartite single-producer, single-consumer byte queue with contiguous grants (the BBQueue
 * design). The producer reserves a contiguous region ({@code grant}), fills it in place and
 * publishes it ({@code commit}); the consumer receives committed bytes in place ({@code read}) and
 * frees them ({@code release}). No grant ever wraps around the end of the ring, so a device API,
 * a channel or native code can always be handed one plain region. Coordination is lock-free and
 * CAS-free: each shared index has a single writer, published with release and read with acquire.
 *
 * <p>A queue is used either raw, through {@link #producer()} and {@link #consumer()}, which move
 * byte streams, or framed, through {@link #frameProducer()} and {@link #frameConsumer()}, which move
 * variable-size frames. Each half can be taken once; the two halves normally live on two threads.
 *
 * <pre>{@code
 * BBQueue queue = BBQueue.allocateDirect(64 * 1024);
 * Producer producer = queue.producer();   // driver thread
 * Consumer consumer = queue.consumer();   // processing thread
 * }</pre>
 *
 * <p>Storage is chosen at creation: {@link #allocate(int)} (a {@code byte[]}, for array-based device
 * APIs), {@link #allocateDirect(int)} (64-byte aligned native memory, for NIO, JNI and zero-copy
 * transfers) or {@link #wrap(ByteBuffer)} (memory the caller provides). The queue's coordination
 * words never live in the ring's buffer: they are an {@code int[]} of their own (or words of the
 * queue file), so the same code runs on every JDK from 11 up, including those that refuse atomic
 * access to heap buffers.
 *
 * <p>This class is thread-safe; the halves it hands out are not (each belongs to one thread at a time).
 * What their commits, releases and closes make visible to the other side is stated on each call and
 * explained in the <a href="package-summary.html#memory-consistency">package documentation</a>.
 */
public final class BBQueue {
    /** The largest capacity any queue can have. */
    public static final int MAX_CAPACITY = Integer.MAX_VALUE - ControlBlock.ALIGNMENT;

    private enum Mode { UNSET, RAW, FRAMED }

    private final Ring ring;
    private final boolean direct;
    private Mode mode = Mode.UNSET;
    private boolean producerTaken;
    private boolean consumerTaken;
    /** The producer of a queue shared by several threads, once taken; null otherwise. */
    private volatile SharedFrameProducer sharedProducer; // volatile: stats() reads it from any thread

    /** The queue file, for a queue shared with another process; null otherwise. */
    private final QueueFile file;

    private BBQueue(ByteBuffer data, WaitStrategy waitStrategy, boolean inBandCommits) {
        this.ring = new Ring(data, ControlBlock.onHeap(), waitStrategy, inBandCommits);
        this.direct = data.isDirect();
        this.file = null;
    }

    private BBQueue(QueueFile file, WaitStrategy waitStrategy, boolean fresh) {
        this.ring = new Ring(file.ring(), file.controlBlock(), waitStrategy, true, file, fresh);
        this.direct = true;
        this.file = file;
    }

    /**
     * Creates a queue in a new memory-mapped file, for sharing between two JVMs of the same user;
     * the same as {@link #createMapped(Path, int, MappedOption...)} with no options.
     *
     * @param file where to create the file; nothing may exist there
     * @param capacity the ring's size in bytes, 1 to {@code Integer.MAX_VALUE - 4096}
     * @return the queue, with no half taken yet
     * @throws IOException if the file cannot be created (including when it already exists, and
     *         when its file system has too little space: the message says how much was needed and
     *         how much was free)
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public static BBQueue createMapped(Path file, int capacity) throws IOException {
        return createMapped(file, capacity, new MappedOption[0]);
    }

    /**
     * Creates a queue in a new memory-mapped file, for sharing between two JVMs: typically a driver
     * process takes one half and a logger or uploader process, after
     * {@link #openMapped(Path, MappedOption...)}, takes the other. The file holds the queue's words
     * and its ring ({@code 4096 + capacity} bytes) and is created readable and writable by its owner
     * only ({@code rw-------}), or also by its group ({@code rw-rw----}) with
     * {@link MappedOption#SHARED_WITH_GROUP}. Put it in a directory of this user's, such as
     * {@link #defaultQueueDirectory()}, which is in memory.
     *
     * <p>Every byte of the file is written (zeros) before the queue is published, so no page of the
     * mapping is a hole that a full file system could not back later (which would kill the process
     * with SIGBUS in the middle of a commit): too little space is reported here instead. The file
     * system's usable space is checked first; a file that was created is removed again if anything
     * fails afterwards. Writing the zeros takes about as long as copying the file once.
     *
     * <p>Blocked calls wait with {@link WaitStrategy#backoff()}: there is no wake-up across
     * processes. Whether the queue is raw or framed is decided by the first half taken, in either
     * process.
     *
     * @param file where to create the file; nothing may exist there
     * @param capacity the ring's size in bytes, 1 to {@code Integer.MAX_VALUE - 4096} (one mapping
     *        holds at most {@code Integer.MAX_VALUE} bytes)
     * @param options how the file is shared; none means by its owner only
     * @return the queue, with no half taken yet
     * @throws IOException if the file cannot be created (including when it already exists), or if
     *         its file system has too little space: the message says how many bytes were needed and
     *         how many were free, and in which directory
     * @throws IllegalArgumentException if {@code capacity} is out of range; nothing is created then
     */
    public static BBQueue createMapped(Path file, int capacity, MappedOption... options) throws IOException {
        Objects.requireNonNull(file, "file");
        checkCapacity(capacity);
        QueueFileSafety.checkMappable(capacity);
        QueueFile queueFile = QueueFile.create(file, capacity, optionSet(options));
        try {
            BBQueue queue = new BBQueue(queueFile, WaitStrategy.backoff(), true);
            queueFile.markReady(); // last: every header field and the ring's words come before it
            return queue;
        } catch (RuntimeException | Error e) {
            QueueFileSafety.removeAfterFailure(file, e);
            throw e;
        }
    }

    /**
     * Attaches to a queue file of this user's made by {@link #createMapped(Path, int)}; the same as
     * {@link #openMapped(Path, MappedOption...)} with no options.
     *
     * @param file the queue file
     * @return the queue as the file describes it
     * @throws UntrustedQueueFileException if the path is a symbolic link, not a regular file, owned
     *         by another user, or writable by its group or others
     * @throws CorruptQueueFileException if the file is not a usable queue file (foreign, truncated,
     *         of another version or byte order, not ready); the message names the problem
     * @throws IOException if the file cannot be opened
     */
    public static BBQueue openMapped(Path file) throws IOException {
        return openMapped(file, new MappedOption[0]);
    }

    /**
     * Attaches to a queue file made by {@link #createMapped(Path, int, MappedOption...)}, usually in
     * another process.
     *
     * <p>First the path must be one this user can trust: not a symbolic link (links are not
     * followed), a regular file, owned by this user, and writable by nobody else. With
     * {@link MappedOption#SHARED_WITH_GROUP} its group may write it too, and it may be owned by
     * another user if its group may write it (the group's members are trusted); a file that others
     * may write is never accepted. Another local user could otherwise plant a file or a link in a
     * shared directory such as {@code /dev/shm} and feed or read this process's queue. On a file
     * system without POSIX owners and modes (FAT, Windows) only the link and type checks apply.
     *
     * <p>Then every header field is validated, and attaching writes nothing to the file; taking a
     * half afterwards records this process as that half's owner.
     *
     * @param file the queue file
     * @param options how the file may be shared; none means by its owner only
     * @return the queue as the file describes it
     * @throws UntrustedQueueFileException if the path is a symbolic link, not a regular file, owned
     *         by another user, or writable by others, or by its group without
     *         {@link MappedOption#SHARED_WITH_GROUP}; the message names the path and the problem
     * @throws CorruptQueueFileException if the file is not a usable queue file (foreign, truncated,
     *         of another version or byte order, not ready); the message names the problem
     * @throws IOException if the file cannot be opened
     */
    public static BBQueue openMapped(Path file, MappedOption... options) throws IOException {
        Objects.requireNonNull(file, "file");
        return new BBQueue(QueueFile.open(file, optionSet(options)), WaitStrategy.backoff(), false);
    }

    /**
     * A directory for queue files that belongs to this user alone, in memory where the system has
     * one: {@code $XDG_RUNTIME_DIR} (usually {@code /run/user/<uid>}, made by systemd-logind for a
     * logged-in user) when it is set to a directory this user owns that neither group nor others may
     * write; otherwise {@code /dev/shm/bbq-<user>}, created {@code rwx------} if it does not exist.
     * An existing {@code /dev/shm/bbq-<user>} is used only if it is a directory (not a link) of this
     * user's that neither group nor others may write. Two processes of the same user, started in the
     * same kind of session, get the same directory. A system service would rather use its own
     * runtime directory (systemd's {@code RuntimeDirectory=}, for example {@code /run/bbq}).
     *
     * <pre>{@code
     * Path file = BBQueue.defaultQueueDirectory().resolve("telemetry.bbq");
     * }</pre>
     *
     * @return the directory, which exists
     * @throws UntrustedQueueFileException if {@code /dev/shm/bbq-<user>} exists but is a link, not a
     *         directory, another user's, or writable by its group or others
     * @throws IOException if there is no such directory and none can be made (no
     *         {@code XDG_RUNTIME_DIR} and no {@code /dev/shm})
     */
    public static Path defaultQueueDirectory() throws IOException {
        return QueueFileSafety.defaultQueueDirectory(System.getenv(), System.getProperty("user.name"),
                Path.of("/dev/shm"));
    }

    private static Set<MappedOption> optionSet(MappedOption... options) {
        Set<MappedOption> set = EnumSet.noneOf(MappedOption.class);
        for (MappedOption option : Objects.requireNonNull(options, "options")) {
            set.add(Objects.requireNonNull(option, "option"));
        }
        return set;
    }

    /**
     * For a queue shared through a file: whether no process holds the producer half now (its
     * process ended, or it was never taken), while the stream is not closed. This is not the end of
     * the stream: the consumer keeps what was committed, waits, and goes on when a producer process
     * attaches again. Always {@code false} for a queue inside one JVM. Asks the kernel (the half's
     * lock), so call it from a status path, not from a tight loop.
     *
     * @return whether the producer half is free, the stream still open
     */
    public boolean isProducerGone() {
        return file != null && !file.held(true) && !ring.producerClosedInFile();
    }

    /**
     * For a queue shared through a file: whether no process holds the consumer half now (its process
     * ended or closed it, or it was never taken). The producer goes on regardless: it waits, refuses
     * or drops (its overload policy) while the ring is full, until a consumer attaches again. Always
     * {@code false} for a queue inside one JVM. Asks the kernel, as {@link #isProducerGone()}.
     *
     * @return whether the consumer half is free
     */
    public boolean isConsumerGone() {
        return file != null && !file.held(false);
    }

    /**
     * A builder for a queue with a chosen capacity, storage and {@link WaitStrategy}:
     *
     * <pre>{@code
     * BBQueue queue = BBQueue.builder().capacity(64 * 1024).direct().waitStrategy(WaitStrategy.backoff()).build();
     * }</pre>
     *
     * @return a new builder: heap storage, {@link WaitStrategy#blocking()}, no capacity yet
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A queue whose ring is a {@code byte[]} of {@code capacity} bytes: grant buffers have an
     * accessible {@code array()}, for device APIs that take arrays.
     *
     * @param capacity the ring's size in bytes, 1 to {@link #MAX_CAPACITY}
     * @return a new queue with no half taken, waiting with {@link WaitStrategy#blocking()}
     * @throws IllegalArgumentException if {@code capacity < 1} or above {@link #MAX_CAPACITY}
     */
    public static BBQueue allocate(int capacity) {
        return builder().capacity(capacity).build();
    }

    /**
     * A queue whose ring is {@code capacity} bytes of direct (native) memory starting on a 64-byte
     * boundary: grant buffers are direct, for NIO channels, JNI and zero-copy transfers.
     *
     * @param capacity the ring's size in bytes, 1 to {@link #MAX_CAPACITY}
     * @return a new queue with no half taken, waiting with {@link WaitStrategy#blocking()}
     * @throws IllegalArgumentException if {@code capacity < 1} or above {@link #MAX_CAPACITY}
     */
    public static BBQueue allocateDirect(int capacity) {
        return builder().capacity(capacity).direct().build();
    }

    /**
     * A queue over memory the caller provides, heap or direct (for example a slice of a larger
     * region): the bytes between the buffer's position and limit become the ring, so
     * {@code capacity()} is {@code storage.remaining()}. The buffer's own position and limit are not
     * changed, and the caller must not touch those bytes while the queue is in use.
     *
     * @param storage the memory for the ring, heap or direct, not read-only
     * @return a new queue over {@code storage}, with no half taken, waiting with
     *         {@link WaitStrategy#blocking()}
     * @throws IllegalArgumentException if the buffer has no remaining bytes or is read-only
     */
    public static BBQueue wrap(ByteBuffer storage) {
        return builder().wrap(storage).build();
    }

    private static void checkCapacity(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity " + capacity + ": must be between 1 and " + MAX_CAPACITY);
        }
    }

    /**
     * The largest frame a framed queue of {@code capacity} bytes accepts: the largest {@code n} with
     * {@code n + header(n) <= capacity}, where the header takes 1 byte below 128, 2 below 16 384,
     * 3 below 2^21, 4 below 2^28 and 5 above.
     *
     * @param capacity a ring size in bytes, 1 to {@link #MAX_CAPACITY}
     * @return the longest frame, in bytes, that such a queue can ever grant
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public static int maxFrameLength(int capacity) {
        checkCapacity(capacity);
        return FrameHeader.maxFrameLength(capacity);
    }

    /**
     * A snapshot of the queue's statistics: bytes and frames committed and released, bytes in use
     * and the high-water mark, refused grants, dropped frames and time spent waiting. Safe to call
     * from any thread at any rate; it never slows the producer or the consumer.
     *
     * @return the current counters
     */
    public QueueStats stats() {
        SharedFrameProducer shared = sharedProducer;
        if (shared != null) {
            shared.foldIfFree(); // S2: refusals of threads that found another holding the producer
        }
        return ring.stats();
    }

    /**
     * How this queue's blocking calls wait, and whether commits and releases signal a parked thread.
     *
     * @return the strategy blocked calls wait with
     */
    public WaitStrategy waitStrategy() {
        return ring.waitStrategy;
    }

    /** The state machine, for tests and diagnostics in this package. */
    Ring ring() {
        return ring;
    }

    /**
     * The ring's size, fixed at creation: the largest raw grant and the bound on bytes in flight.
     *
     * @return the ring's size in bytes
     */
    public int capacity() {
        return ring.capacity;
    }

    /**
     * Whether the ring is direct (native) memory, so grant buffers have no {@code array()}.
     *
     * @return {@code true} for direct or mapped storage, {@code false} for a {@code byte[]} ring
     */
    public boolean isDirect() {
        return direct;
    }

    /**
     * The raw writing half. Taking it makes the queue raw for life.
     *
     * @return the queue's only {@link Producer}
     * @throws IllegalStateException if it was already taken, or the queue is framed
     */
    public synchronized Producer producer() {
        takeProducer(Mode.RAW);
        return new Producer(ring);
    }

    /**
     * The raw reading half. Taking it makes the queue raw for life.
     *
     * @return the queue's only {@link Consumer}
     * @throws IllegalStateException if it was already taken, or the queue is framed
     */
    public synchronized Consumer consumer() {
        takeConsumer(Mode.RAW);
        return new Consumer(ring);
    }

    /**
     * The framed writing half. Taking it makes the queue framed for life.
     *
     * @return the queue's only {@link FrameProducer}
     * @throws IllegalStateException if it was already taken, the producer is shared
     *         ({@link #sharedFrameProducer()}), or the queue is raw
     */
    public synchronized FrameProducer frameProducer() {
        takeProducer(Mode.FRAMED);
        return new FrameProducer(ring);
    }

    /**
     * The framed writing half for several threads at once. Taking it makes the queue framed and
     * shared for life: every later call returns the same object, and {@link #frameProducer()} and
     * {@link #producer()} throw. Its threads take turns at the queue's one producer; see
     * {@link SharedFrameProducer} for the rules (try-forms, waiting, grants, closing). For a queue
     * file, the threads of the process that takes it share it; other processes cannot.
     *
     * @return the queue's only {@link SharedFrameProducer}, the same on every call
     * @throws IllegalStateException if {@link #frameProducer()} or {@link #producer()} was taken, or
     *         the queue is raw
     */
    public synchronized SharedFrameProducer sharedFrameProducer() {
        if (sharedProducer == null) {
            takeProducer(Mode.FRAMED);
            sharedProducer = new SharedFrameProducer(new FrameProducer(ring));
        }
        return sharedProducer;
    }

    /**
     * The framed reading half. Taking it makes the queue framed for life.
     *
     * @return the queue's only {@link FrameConsumer}
     * @throws IllegalStateException if it was already taken, or the queue is raw
     */
    public synchronized FrameConsumer frameConsumer() {
        takeConsumer(Mode.FRAMED);
        return new FrameConsumer(ring);
    }

    private void takeProducer(Mode wanted) {
        checkMode(wanted);
        if (sharedProducer != null) {
            throw new IllegalStateException("this queue's producer is shared (sharedFrameProducer()):"
                    + " it has no single-thread producer half");
        }
        if (producerTaken) {
            throw new IllegalStateException("the producer half of this queue was already taken");
        }
        if (file != null) {
            file.claim(true, wanted == Mode.RAW ? QueueFile.MODE_RAW : QueueFile.MODE_FRAMED);
            QueueFileTakeover.takeOverProducer(ring, wanted == Mode.FRAMED);
        }
        producerTaken = true;
        mode = wanted;
    }

    private void takeConsumer(Mode wanted) {
        checkMode(wanted);
        if (consumerTaken) {
            throw new IllegalStateException("the consumer half of this queue was already taken");
        }
        if (file != null) {
            file.claim(false, wanted == Mode.RAW ? QueueFile.MODE_RAW : QueueFile.MODE_FRAMED);
            QueueFileTakeover.takeOverConsumer(ring);
        }
        consumerTaken = true;
        mode = wanted;
    }

    private void checkMode(Mode wanted) {
        if (mode != Mode.UNSET && mode != wanted) {
            throw new IllegalStateException("this queue is " + (mode == Mode.RAW ? "raw" : "framed")
                    + ": its halves are taken with " + (mode == Mode.RAW ? "producer()/consumer()"
                    : "frameProducer()/frameConsumer()"));
        }
    }

    @Override
    public String toString() {
        return "BBQueue[capacity=" + ring.capacity + ", " + (file != null ? "mapped " + file.path : direct ? "direct" : "heap")
                + ", " + mode + ", " + ring.waitStrategy + "]";
    }

    /**
     * Chooses a queue's capacity, storage and wait strategy. The static factories
     * {@link BBQueue#allocate(int)}, {@link BBQueue#allocateDirect(int)} and
     * {@link BBQueue#wrap(ByteBuffer)} are shortcuts for the common cases.
     */
    public static final class Builder {
        private int capacity;
        private boolean direct;
        private ByteBuffer storage;
        private WaitStrategy waitStrategy = WaitStrategy.blocking();
        private boolean inBandCommits = true;

        private Builder() {
        }

        /**
         * Sets the ring's size for a heap or direct ring; {@link #wrap(ByteBuffer)} sets it from the
         * caller's memory instead.
         *
         * @param capacity the ring's size in bytes, 1 to {@link BBQueue#MAX_CAPACITY}
         * @return this builder
         * @throws IllegalArgumentException if {@code capacity} is out of range
         */
        public Builder capacity(int capacity) {
            checkCapacity(capacity);
            this.capacity = capacity;
            return this;
        }

        /**
         * Puts the ring in a {@code byte[]}, so grants expose {@code array()} (the default).
         *
         * @return this builder
         */
        public Builder heap() {
            this.direct = false;
            this.storage = null;
            return this;
        }

        /**
         * Puts the ring in 64-byte aligned direct memory, for NIO channels, JNI and zero-copy
         * transfers.
         *
         * @return this builder
         */
        public Builder direct() {
            this.direct = true;
            this.storage = null;
            return this;
        }

        /**
         * Uses the caller's memory: the bytes between the buffer's position and limit; the capacity is
         * their count.
         *
         * @param storage the memory, heap or direct, not read-only
         * @return this builder
         * @throws IllegalArgumentException if the buffer has no remaining bytes or is read-only
         */
        public Builder wrap(ByteBuffer storage) {
            Objects.requireNonNull(storage, "storage");
            if (storage.isReadOnly()) {
                throw new IllegalArgumentException("storage is read-only: the producer must be able to write it");
            }
            checkCapacity(storage.remaining());
            this.storage = storage.slice();
            this.capacity = storage.remaining();
            return this;
        }

        /**
         * Chooses how blocked calls wait, and so whether commits and releases pay for a wake-up
         * signal.
         *
         * @param waitStrategy how blocked calls wait; {@link WaitStrategy#blocking()} by default
         * @return this builder
         */
        public Builder waitStrategy(WaitStrategy waitStrategy) {
            this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy");
            return this;
        }

        /**
         * Makes the framed consumer read every frame through the producer's index, checking each
         * header against the committed bytes, instead of following in-band commits (R11) when it
         * keeps up. Slower for a consumer that keeps up; tests use it to play a corrupting writer.
         */
        Builder checkEveryFrameHeader() {
            this.inBandCommits = false;
            return this;
        }

        /**
         * Makes the queue: allocates the ring unless storage was given.
         *
         * @return the new queue, with no half taken
         * @throws IllegalStateException if no capacity or storage was given
         */
        public BBQueue build() {
            ByteBuffer data;
            if (storage != null) {
                data = storage;
            } else if (capacity == 0) {
                throw new IllegalStateException("a queue needs a capacity (or storage to wrap)");
            } else {
                data = direct ? ControlBlock.alignedDirect(capacity) : ByteBuffer.allocate(capacity);
            }
            return new BBQueue(data, waitStrategy, inBandCommits);
        }
    }
}
