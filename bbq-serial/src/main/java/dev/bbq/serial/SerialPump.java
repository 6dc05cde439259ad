package dev.bbq.serial;

import dev.bbq.Producer;
import dev.bbq.ReusableWriteGrant;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The receiving driver thread: reads the serial port into a raw queue. Start one with
 * {@link SerialConnection#startPump(Producer)}.
 *
 * <p>Each turn reads up to {@link SerialSettings#stagingSize()} bytes into a small reused staging
 * array (semi-blocking: returns as soon as a byte is there, or after the read timeout with none),
 * then copies them into write grants and commits. Staging instead of reading straight into the
 * ring is deliberate: jSerialComm copies the whole Java array into native memory and back on every
 * call, so reading into a 64 KiB ring would move 128 KiB per read (see {@code JSerialCommLink}).
 * A heap queue is copied into with {@code System.arraycopy}, a direct one with a bulk put; nothing
 * is allocated per read.
 *
 * <p>When the queue has no room, the pump waits up to {@link SerialSettings#overrunWaitNanos()},
 * then drops what it still holds and counts an overrun ({@link SerialStats#overruns()},
 * {@link SerialStats#bytesDropped()}); it never blocks the port for longer.
 *
 * <p>It stops when asked ({@link #close()}), when the port fails ({@link #failure()} says how;
 * {@link SerialStats#errors()} counts it), or when the queue's consumer closes. In every case it
 * closes the producer: the consumer reads everything committed before, then sees the end of the stream.
 * {@link #close()} waits up to the read timeout plus two seconds and does not close the port. The
 * life cycle is {@link dev.bbq.DriverThread}'s.
 */
public final class SerialPump extends SerialDriver {
    private final Producer producer;
    /** Reused for every grant, so that the driver thread allocates nothing on any JDK. */
    private final ReusableWriteGrant grant = new ReusableWriteGrant();

    private SerialPump(SerialLink link, SerialSettings settings, Producer producer) {
        super(link, settings, "pump", producer::close);
        this.producer = producer;
    }

    static SerialPump start(SerialLink link, SerialSettings settings, Producer producer) {
        return started(new SerialPump(link, settings, Objects.requireNonNull(producer, "producer")));
    }

    @Override
    protected boolean turn() throws IOException, InterruptedException {
        int n = link.read(staging, 0, staging.length);
        if (n < 0) {
            throw portFailed("reading");
        }
        if (n == 0) {
            return true; // the read timeout passed: look at the stop flag
        }
        add(TRANSFERS, 1);
        add(BYTES, n);
        commit(n);
        return true;
    }

    private void commit(int n) throws InterruptedException {
        int at = 0;
        while (at < n) {
            if (!producer.tryGrantMax(n - at, grant)
                    && !producer.grantMax(n - at, grant, settings.overrunWaitNanos(), TimeUnit.NANOSECONDS)) {
                add(OVERRUNS, 1);
                add(DROPPED, n - at);
                return;
            }
            try {
                int k = grant.length();
                if (grant.hasArray()) {
                    System.arraycopy(staging, at, grant.array(), grant.arrayOffset(), k);
                } else {
                    grant.put(0, staging, at, k); // no buffer view
                }
                grant.commit(k);
                at += k;
            } finally {
                grant.close();
            }
        }
    }
}
