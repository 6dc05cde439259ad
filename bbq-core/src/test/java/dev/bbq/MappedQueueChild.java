package dev.bbq;

import java.nio.ByteBuffer;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * The other process of {@link MappedQueueTest}: {@code produce FILE FRAMES} writes numbered frames
 * (sequence number, then bytes derived from it) into a queue file and closes; {@code produceForever
 * FILE} does the same until it is killed; {@code consume FILE FRAMES} checks them and prints
 * {@code OK n}.
 */
public final class MappedQueueChild {
    private MappedQueueChild() {
    }

    public static void main(String[] args) throws Exception {
        BBQueue queue = BBQueue.openMapped(Paths.get(args[1]));
        switch (args[0]) {
            case "produce":
                produce(queue, Long.parseLong(args[2]));
                break;
            case "produceForever":
                produce(queue, Long.MAX_VALUE);
                break;
            case "consume":
                System.out.println("OK " + consume(queue.frameConsumer(), Long.parseLong(args[2])));
                break;
            default:
                throw new IllegalArgumentException(args[0]);
        }
    }

    static void produce(BBQueue queue, long frames) throws InterruptedException {
        FrameProducer producer = queue.frameProducer();
        byte[] frame = new byte[256];
        ByteBuffer view = ByteBuffer.wrap(frame);
        System.out.println("READY");
        System.out.flush();
        for (long seq = 0; seq < frames; seq++) {
            int length = length(seq);
            fill(view, frame, seq, length);
            while (!producer.write(frame, 0, length, 1, TimeUnit.SECONDS)) {
                // the consumer is slow; keep trying
            }
        }
        producer.close();
    }

    /** Reads and checks frames until the end of the stream; returns how many arrived. */
    static long consume(FrameConsumer consumer, long expectedFrames) throws InterruptedException {
        long[] next = {0};
        while (true) {
            int n = consumer.drain(frame -> {
                check(frame, next[0]);
                next[0]++;
            }, 256, 1, TimeUnit.SECONDS);
            if (n == 0 && consumer.isClosed()) {
                return next[0];
            }
            if (next[0] > expectedFrames) {
                throw new AssertionError("more frames than were sent: " + next[0]);
            }
        }
    }

    static int length(long seq) {
        return 8 + (int) ((seq * 2654435761L) >>> 32 & 127); // 8 to 135 bytes
    }

    static void fill(ByteBuffer view, byte[] frame, long seq, int length) {
        view.putLong(0, seq);
        for (int i = 8; i < length; i++) {
            frame[i] = (byte) (seq * 31 + i);
        }
    }

    static void check(ByteBuffer frame, long expected) {
        int length = frame.remaining();
        long seq = frame.getLong(frame.position());
        if (seq != expected) {
            throw new AssertionError("frame " + seq + " arrived when " + expected + " was due");
        }
        if (length != length(seq)) {
            throw new AssertionError("frame " + seq + " has " + length + " bytes, expected " + length(seq));
        }
        for (int i = 8; i < length; i++) {
            if (frame.get(frame.position() + i) != (byte) (seq * 31 + i)) {
                throw new AssertionError("frame " + seq + " byte " + i + " is corrupt");
            }
        }
    }
}
