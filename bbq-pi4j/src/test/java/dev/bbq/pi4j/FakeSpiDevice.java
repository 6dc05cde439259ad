package dev.bbq.pi4j;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.Set;

/**
 * A deterministic SPI device. It serves a script of packets: in fixed-size mode each transfer
 * continues the current packet; in length-header mode it answers a header transfer with the next
 * packet's big-endian length (0 when it has none, or a scripted bogus length) and then serves that
 * packet's bytes over one or more transfers. Transfers listed in {@code failAt} (counted from 0)
 * return -1 and move nothing. It records the longest transfer it saw.
 */
final class FakeSpiDevice implements SpiPort {
    /** Packet {@code seq} of {@code length} bytes: the sequence number, then bytes it alone determines. */
    static byte[] packet(int seq, int length) {
        byte[] p = new byte[length];
        new Random(seq).nextBytes(p);
        ByteBuffer.wrap(p).putInt(0, seq);
        return p;
    }

    final ArrayDeque<byte[]> script = new ArrayDeque<>();
    final ArrayDeque<Integer> bogusLengths = new ArrayDeque<>();
    private final int headerBytes;
    private final Set<Integer> failAt;
    private byte[] current;
    private int at;
    private boolean announced;
    volatile int transfers;
    volatile int longestTransfer;

    FakeSpiDevice(int headerBytes, Set<Integer> failAt) {
        this.headerBytes = headerBytes;
        this.failAt = failAt;
    }

    @Override
    public synchronized int transfer(byte[] tx, int txOff, byte[] rx, int rxOff, int len) {
        int index = transfers++;
        longestTransfer = Math.max(longestTransfer, len);
        if (failAt.contains(index)) {
            return -1;
        }
        if (headerBytes > 0 && !announced) {
            if (len != headerBytes) {
                throw new AssertionError("expected a " + headerBytes + "-byte length transfer, got " + len);
            }
            int length;
            if (!bogusLengths.isEmpty()) {
                length = bogusLengths.poll();
            } else {
                current = script.poll();
                at = 0;
                length = current == null ? 0 : current.length;
                announced = current != null;
            }
            for (int i = 0; i < headerBytes; i++) {
                rx[rxOff + i] = (byte) (length >>> (8 * (headerBytes - 1 - i)));
            }
            return len;
        }
        for (int i = 0; i < len; i++) {
            if (current == null || at == current.length) {
                current = script.poll();
                at = 0;
            }
            rx[rxOff + i] = current == null ? 0 : current[at++];
        }
        if (headerBytes > 0 && at == current.length) {
            announced = false;
        }
        return len;
    }
}
