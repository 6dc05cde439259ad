package dev.bbq.serial;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted serial port. Reads return the scripted chunks in order (at most what the caller asks
 * for, the rest stays for the next read), 0 after a short wait when the script is empty, and -1
 * for a scripted failure. Writes take at most {@code writeLimit} bytes per call, or fail once
 * {@code failWrites} is set.
 */
final class FakeLink implements SerialLink {
    static final byte[] FAIL = new byte[0];

    final LinkedBlockingQueue<byte[]> script = new LinkedBlockingQueue<>();
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    volatile int writeLimit = Integer.MAX_VALUE;
    volatile boolean failWrites;
    volatile int largestRead;
    private byte[] pending;
    private int pendingAt;

    @Override
    public int read(byte[] b, int off, int len) {
        largestRead = Math.max(largestRead, len);
        if (pending == null) {
            try {
                pending = script.poll(5, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
            pendingAt = 0;
            if (pending == null) {
                return 0;
            }
        }
        if (pending == FAIL) {
            return -1;
        }
        int n = Math.min(len, pending.length - pendingAt);
        System.arraycopy(pending, pendingAt, b, off, n);
        pendingAt += n;
        if (pendingAt == pending.length) {
            pending = null;
        }
        return n;
    }

    @Override
    public synchronized int write(byte[] b, int off, int len) {
        if (failWrites) {
            return -1;
        }
        int n = Math.min(len, writeLimit);
        written.write(b, off, n);
        return n;
    }

    synchronized byte[] writtenBytes() {
        return written.toByteArray();
    }

    @Override
    public String name() {
        return "/dev/fake";
    }

    @Override
    public String lastError() {
        return "error 5 at 42";
    }

    @Override
    public void close() {
    }
}
