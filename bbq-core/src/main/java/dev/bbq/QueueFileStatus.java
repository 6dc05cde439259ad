package dev.bbq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * What a queue file says about itself, read by any process without taking a half: its header,
 * mode and indices, whether each half is held now (asked of the kernel, whose lock is the half's
 * ownership), the process that took each half last and how often one did, and the queue's counters
 * summed over every process that held a half. It is what {@code inspect FILE} in the examples jar
 * prints, as Aeron's {@code AeronStat} does for its files.
 *
 * <p>A status is a snapshot: the two processes go on moving the queue while it is read, so the
 * indices and counters are each as they were at some moment during {@link #read(Path)}.
 */
public final class QueueFileStatus {
    private final Path path;
    private final int capacity;
    private final int mode;
    private final int write;
    private final int last;
    private final int read;
    private final int commitStart;
    private final boolean producerClosed;
    private final boolean producerHeld;
    private final boolean consumerHeld;
    private final long producerPid;
    private final long consumerPid;
    private final long producerAttaches;
    private final long consumerAttaches;
    private final long framesCut;
    private final QueueStats stats;

    QueueFileStatus(Path path, ByteBuffer page, int capacity, boolean producerHeld, boolean consumerHeld) {
        this.path = path;
        this.capacity = capacity;
        this.mode = QueueFile.intAt(page, QueueFile.OFF_MODE);
        this.write = QueueFile.intAt(page, ControlBlock.WRITE);
        this.last = QueueFile.intAt(page, ControlBlock.LAST);
        this.read = QueueFile.intAt(page, ControlBlock.READ);
        this.commitStart = QueueFile.intAt(page, ControlBlock.COMMIT_START);
        this.producerClosed = QueueFile.intAt(page, ControlBlock.PRODUCER_CLOSED) != 0;
        this.producerHeld = producerHeld;
        this.consumerHeld = consumerHeld;
        this.producerPid = QueueFile.longAt(page, QueueFile.OFF_PRODUCER_PID);
        this.consumerPid = QueueFile.longAt(page, QueueFile.OFF_CONSUMER_PID);
        this.producerAttaches = QueueFile.longAt(page, QueueFile.OFF_PRODUCER_ATTACHES);
        this.consumerAttaches = QueueFile.longAt(page, QueueFile.OFF_CONSUMER_ATTACHES);
        this.framesCut = QueueFile.longAt(page, QueueFile.OFF_FRAMES_CUT);
        this.stats = Counters.stats(page, capacity);
    }

    /**
     * Reads the status of the queue file at {@code file}. Maps its first page read-only, validates
     * the header as {@link BBQueue#openMapped(Path)} does, takes no half and writes nothing.
     *
     * @param file a queue file made by {@link BBQueue#createMapped(Path, int)}
     * @return the file's status now
     * @throws CorruptQueueFileException if the file is not a usable queue file
     * @throws IOException if the file cannot be read
     */
    public static QueueFileStatus read(Path file) throws IOException {
        return QueueFile.inspect(Objects.requireNonNull(file, "file"));
    }

    /**
     * The file this status was read from.
     *
     * @return the path given to {@link #read(Path)}
     */
    public Path path() {
        return path;
    }

    /**
     * The ring's size.
     *
     * @return the capacity in bytes
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The queue's mode, fixed by the first half taken.
     *
     * @return {@code "raw"}, {@code "framed"} or {@code "not chosen"}
     */
    public String mode() {
        return mode == QueueFile.MODE_RAW ? "raw" : mode == QueueFile.MODE_FRAMED ? "framed" : "not chosen";
    }

    /**
     * The producer's index: one past the last committed byte.
     *
     * @return the shared {@code write} word
     */
    public int write() {
        return write;
    }

    /**
     * The watermark: while the ring is inverted, the end of the valid bytes in the upper region.
     *
     * @return the shared {@code last} word
     */
    public int last() {
        return last;
    }

    /**
     * The consumer's index: the first byte not yet released.
     *
     * @return the shared {@code read} word
     */
    public int read() {
        return read;
    }

    /**
     * Where the latest framed commit started (what a successor checks after a death).
     *
     * @return the {@code COMMIT_START} word
     */
    public int commitStart() {
        return commitStart;
    }

    /**
     * The bytes committed and not yet released, from the indices.
     *
     * @return bytes in the ring now
     */
    public int bytesInUse() {
        return write >= read ? write - read : last - read + write;
    }

    /**
     * Whether the producer closed the stream (a producer that attaches later reopens it).
     *
     * @return the producer's closed flag
     */
    public boolean isProducerClosed() {
        return producerClosed;
    }

    /**
     * Whether some process holds the producer half now.
     *
     * @return whether the half's lock is held
     */
    public boolean isProducerHeld() {
        return producerHeld;
    }

    /**
     * Whether some process holds the consumer half now.
     *
     * @return whether the half's lock is held
     */
    public boolean isConsumerHeld() {
        return consumerHeld;
    }

    /**
     * The process that took the producer half last (it may have ended since: see
     * {@link #isProducerHeld()}).
     *
     * @return its process id, 0 if no process ever took the half
     */
    public long producerPid() {
        return producerPid;
    }

    /**
     * The process that took the consumer half last.
     *
     * @return its process id, 0 if no process ever took the half
     */
    public long consumerPid() {
        return consumerPid;
    }

    /**
     * How many times a process took the producer half: 1 for a producer that never restarted.
     *
     * @return the producer half's attach count
     */
    public long producerAttaches() {
        return producerAttaches;
    }

    /**
     * How many times a process took the consumer half.
     *
     * @return the consumer half's attach count
     */
    public long consumerAttaches() {
        return consumerAttaches;
    }

    /**
     * Commits cut by a producer's death and turned into skip records by its successor: frames
     * never delivered, whose commit call never returned.
     *
     * @return the number of cut commits repaired
     */
    public long framesCut() {
        return framesCut;
    }

    /**
     * The queue's counters, summed over every process that held a half.
     *
     * @return bytes and frames committed and released, fill, high-water mark, refusals, drops, waits
     */
    public QueueStats stats() {
        return stats;
    }

    /** One line per topic, as {@code inspect} prints it. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "queue file %s: %s, capacity %,d bytes%n"
                        + "  indices: write %,d, last %,d, read %,d, commit start %,d; %,d bytes in use (%.0f %%)%s%n"
                        + "  producer: %s, pid %d last, %d attach(es)%n"
                        + "  consumer: %s, pid %d last, %d attach(es)%n"
                        + "  frames cut by a death and skipped: %d%n"
                        + "  %s",
                path, mode(), capacity, write, last, read, commitStart, bytesInUse(),
                100.0 * bytesInUse() / capacity, producerClosed ? "; stream closed by the producer" : "",
                producerHeld ? "held" : "free", producerPid, producerAttaches,
                consumerHeld ? "held" : "free", consumerPid, consumerAttaches, framesCut, stats);
    }
}
