package dev.bbq.examples.telemetry;

import dev.bbq.BBQueue;
import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.QueueFileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code --queue-file PATH}: the records come from another process that holds the producer half of
 * a queue file, typically the C driver {@code examples/c/serial_driver.c}; this run holds the
 * consumer half. The file is created (with the framed queue's size) if it does not exist, so either
 * side may start first. The source ends when that process closes its half (end of stream) or when
 * the run's duration is over; a producer that dies is only "not attached" (the queue file's restart
 * rules), so the run waits for its successor until the duration ends.
 */
final class QueueFileSource implements Source {
    private final Path path;
    private final BBQueue queue;
    private volatile boolean stopped;

    private QueueFileSource(Path path, BBQueue queue) {
        this.path = path;
        this.queue = queue;
    }

    static QueueFileSource open(Path path, int capacity) throws IOException {
        BBQueue queue = Files.exists(path) ? BBQueue.openMapped(path) : BBQueue.createMapped(path, capacity);
        return new QueueFileSource(path, queue);
    }

    /** @return the queue file's queue, which the pipeline consumes as its framed queue */
    BBQueue queue() {
        return queue;
    }

    @Override
    public String description() {
        return "queue file " + path + " (written by another process, such as examples/c/serial_driver)";
    }

    @Override
    public boolean framed() {
        return true;
    }

    @Override
    public void start(Producer raw, FrameProducer framed) {
        // The producer half belongs to the other process.
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public boolean awaitStopped(long timeout, TimeUnit unit) {
        return true;
    }

    @Override
    public boolean isRunning() {
        if (stopped) {
            return false;
        }
        try {
            return !QueueFileStatus.read(path).isProducerClosed();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the status of " + path, e);
        }
    }

    /** @return whether the consumer should stop before the end of the stream (the run is over) */
    boolean stopped() {
        return stopped;
    }

    @Override
    public String failure() {
        return null;
    }

    @Override
    public long framesDropped() {
        return 0;
    }

    @Override
    public long bytesDropped() {
        return 0;
    }

    @Override
    public SimulatedDevice.Truth truth() {
        return null;
    }

    @Override
    public long framesSent() {
        return -1;
    }

    @Override
    public void close() {
        // the file stays: the other process may still be writing it
    }
}
