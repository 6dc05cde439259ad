package dev.bbq;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;

/** {@link Producer#asOutputStream()}: copies into grants and commits them at once. */
final class QueueOutputStream extends OutputStream {
    private final Producer producer;

    QueueOutputStream(Producer producer) {
        this.producer = producer;
    }

    @Override
    public void write(int b) throws IOException {
        WriteGrant grant = grant(1);
        grant.buffer().put(0, (byte) b);
        grant.commit(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            WriteGrant grant = grant(len);
            int n = grant.length();
            grant.buffer().put(b, off, n);
            grant.commit(n);
            off += n;
            len -= n;
        }
    }

    private WriteGrant grant(int max) throws IOException {
        try {
            return producer.grantMax(max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for room in the queue");
        } catch (QueueClosedException e) {
            throw new IOException("stream closed: " + e.getMessage(), e);
        }
    }

    /** Nothing to do: every write is committed as it is made. */
    @Override
    public void flush() throws IOException {
        if (producer.isClosed()) {
            throw new IOException("stream closed");
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
