package dev.bbq;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/** {@link Consumer#asInputStream()}: copies out of split read grants and releases what it copied. */
final class QueueInputStream extends InputStream {
    private final Consumer consumer;
    private final Ring ring;

    QueueInputStream(Consumer consumer, Ring ring) {
        this.consumer = consumer;
        this.ring = ring;
    }

    @Override
    public int read() throws IOException {
        SplitReadGrant grant = await();
        if (grant == null) {
            return -1;
        }
        int b = grant.first().get(0) & 0xff;
        grant.release(1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            checkOpen();
            return 0;
        }
        SplitReadGrant grant = await();
        if (grant == null) {
            return -1;
        }
        ByteBuffer first = grant.first();
        int n = Math.min(len, first.remaining());
        first.get(b, off, n);
        if (n < len) {
            ByteBuffer second = grant.second();
            int m = Math.min(len - n, second.remaining());
            second.get(b, off + n, m);
            n += m;
        }
        grant.release(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        checkOpen();
        SplitReadGrant grant = consumer.trySplitRead();
        if (grant == null) {
            return 0;
        }
        int skipped = (int) Math.min(n, grant.length());
        grant.release(skipped);
        return skipped;
    }

    @Override
    public int available() throws IOException {
        checkOpen();
        return consumer.available();
    }

    @Override
    public void close() {
        consumer.close();
    }

    private SplitReadGrant await() throws IOException {
        checkOpen();
        try {
            return consumer.splitRead();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for data in the queue");
        }
    }

    private void checkOpen() throws IOException {
        if (ring.consumerClosedItself()) {
            throw new IOException("stream closed");
        }
    }
}
