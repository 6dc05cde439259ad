package dev.bbq.serial;

import dev.bbq.Consumer;
import dev.bbq.ReusableReadGrant;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The sending driver thread: writes what a raw queue receives to the serial port. Start one with
 * {@link SerialConnection#startSink(Consumer)}; fill the queue with, for example,
 * {@link dev.bbq.wire.FrameEncoder#tryWrite(dev.bbq.Producer, byte[], int, int)}.
 *
 * <p>Each turn waits up to the read timeout for committed bytes, copies up to
 * {@link SerialSettings#stagingSize()} of them into a reused staging array (jSerialComm copies the
 * whole array it is given, see {@code JSerialCommLink}), writes them (blocking until the kernel
 * has taken some) and releases what the port took; bytes it did not take are written next turn.
 *
 * <p>It stops when asked ({@link #close()}), when the port fails ({@link #failure()}), or at the end
 * of the stream (the producer closed and everything was written). It then closes the consumer, so a
 * producer still writing gets {@link dev.bbq.QueueClosedException}. {@link #close()} waits up to the
 * read timeout plus two seconds and does not close the port; a sink blocked in a write to a stalled
 * line (jSerialComm has no write timeout on Linux) may take longer: {@link #isRunning()} and
 * {@link #awaitStop} tell. The life cycle is {@link dev.bbq.DriverThread}'s.
 */
public final class SerialSink extends SerialDriver {
    private final Consumer consumer;
    /** Reused for every read, so that the sink thread allocates nothing on any JDK. */
    private final ReusableReadGrant grant = new ReusableReadGrant();

    private SerialSink(SerialLink link, SerialSettings settings, Consumer consumer) {
        super(link, settings, "sink", consumer::close);
        this.consumer = consumer;
    }

    static SerialSink start(SerialLink link, SerialSettings settings, Consumer consumer) {
        return started(new SerialSink(link, settings, Objects.requireNonNull(consumer, "consumer")));
    }

    @Override
    protected boolean turn() throws IOException, InterruptedException {
        if (!consumer.read(grant, settings.readTimeoutMillis(), TimeUnit.MILLISECONDS)) {
            return !consumer.isClosed(); // stop at the end of the stream, else look at the stop flag
        }
        try {
            int k = Math.min(grant.length(), staging.length);
            if (grant.hasArray()) {
                System.arraycopy(grant.array(), grant.arrayOffset(), staging, 0, k);
            } else {
                grant.get(0, staging, 0, k); // no buffer view
            }
            int written = link.write(staging, 0, k);
            if (written < 0) {
                throw portFailed("writing");
            }
            if (written > 0) {
                add(TRANSFERS, 1);
                add(BYTES, written);
                grant.release(written);
            }
        } finally {
            grant.close();
        }
        return true;
    }
}
