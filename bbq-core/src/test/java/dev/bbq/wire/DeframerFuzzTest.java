package dev.bbq.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameHandler;
import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.WriteGrant;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the deframer with a stream the input describes: valid frames mixed with garbage, corrupted
 * frames and frames cut short, fed in pieces of varying size. Whatever the input, the deframer must
 * not throw, must deliver nothing longer than its maximum, must deliver every valid frame intact and
 * in order, must consume every byte, and must account for every delimited run as either a delivered
 * frame or exactly one counted error. Feeding the same stream in one piece, or through the read
 * grants of a small raw queue (heap or direct, wrapping at its end), must give the same result, and
 * so must the same read grants deframed into a framed queue (the batched path). Into a framed queue
 * too small to take every read's frames, with {@code dropWhenFull}, what arrives is an in-order
 * subsequence and every frame is either published or counted as dropped.
 *
 * <p>{@code mvn verify} runs {@link #deframerSurvivesAnyStream(byte[])} in Jazzer's regression mode
 * (on the empty input), and {@link #deframerSurvivesSeededStreams()} runs it on 3000 generated
 * inputs. Coverage-guided fuzzing (5 minutes, the annotation's {@code maxDuration}):
 * <pre>
 * JAZZER_FUZZ=1 mvn -Dbbq.targetSuffix=-fuzz -pl bbq-core test -Dtest=DeframerFuzzTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class DeframerFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void deframerSurvivesAnyStream(byte[] input) {
        check(input);
    }

    @Test
    void deframerSurvivesSeededStreams() {
        Random random = new Random(0xB5B5);
        for (int i = 0; i < 3000; i++) {
            byte[] input = new byte[random.nextInt(2000)];
            random.nextBytes(input);
            check(input);
        }
        check(new byte[0]);
        check(new byte[] {2, (byte) 200, 0, 100});
        check(new byte[] {1, 0, 0, 0, 1, 5, 0, 0, 0, 0, 0});
    }

    /** Reads the input as a recipe; every read past its end yields 0. */
    private static final class Recipe {
        private final byte[] input;
        private int at;

        Recipe(byte[] input) {
            this.input = input;
        }

        boolean more() {
            return at < input.length;
        }

        int next() {
            return at < input.length ? input[at++] & 0xFF : 0;
        }

        byte[] take(int n) {
            int from = Math.min(at, input.length);
            int to = Math.min(input.length, from + n);
            at = to;
            return Arrays.copyOfRange(input, from, to);
        }
    }

    static void check(byte[] input) {
        Recipe recipe = new Recipe(input);
        FrameCheck check = FrameCheck.values()[recipe.next() % 3];
        int maxFrameLength = recipe.next() * 2;
        FrameEncoder encoder = new FrameEncoder(check);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<byte[]> valid = new ArrayList<>();
        while (recipe.more()) {
            int op = recipe.next() % 4;
            byte[] payload = recipe.take(op == 1 ? recipe.next() : recipe.next() * 3);
            byte[] wire = new byte[encoder.maxEncodedLength(payload.length)];
            int n = encoder.encode(payload, 0, payload.length, wire, 0);
            switch (op) {
                case 0: // a valid frame
                    stream.write(wire, 0, n);
                    if (payload.length <= maxFrameLength) {
                        valid.add(payload);
                    }
                    break;
                case 1: // garbage, zeros and all, then a delimiter
                    stream.write(payload, 0, payload.length);
                    stream.write(0);
                    break;
                case 2: // a frame with one byte changed (possibly into a delimiter)
                    wire[recipe.next() % (n - 1)] ^= (byte) (1 + recipe.next() % 255);
                    stream.write(wire, 0, n);
                    break;
                default: // a frame cut short, then a delimiter
                    stream.write(wire, 0, recipe.next() % n);
                    stream.write(0);
            }
        }
        byte[] bytes = stream.toByteArray();

        Deframer pieces = new Deframer(maxFrameLength, check);
        List<byte[]> delivered = new ArrayList<>();
        int at = 0;
        int piece = 0;
        while (at < bytes.length) {
            int n = Math.min(bytes.length - at, 1 + (input.length == 0 ? 0 : input[piece++ % input.length] & 0x7F));
            pieces.accept(bytes, at, n, frame -> {
                assertTrue(frame.remaining() <= maxFrameLength, "frame longer than the maximum");
                byte[] b = new byte[frame.remaining()];
                frame.get(b);
                delivered.add(b);
            });
            at += n;
        }
        pieces.endOfStream();

        Deframer whole = new Deframer(maxFrameLength, check);
        List<byte[]> deliveredWhole = new ArrayList<>();
        whole.accept(ByteBuffer.wrap(bytes), frame -> {
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            deliveredWhole.add(b);
        });
        whole.endOfStream();

        // The same bytes through a small raw queue (read grants wrap at its end), single-threaded.
        BBQueue raw = (input.length % 2 == 0) ? BBQueue.allocate(97) : BBQueue.allocateDirect(97);
        Producer producer = raw.producer();
        Consumer consumer = raw.consumer();
        Deframer queued = new Deframer(maxFrameLength, check);
        List<byte[]> deliveredQueued = new ArrayList<>();
        FrameHandler collect = frame -> {
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            deliveredQueued.add(b);
        };
        at = 0;
        while (at < bytes.length) {
            at = feed(producer, input, bytes, at);
            queued.tryDeframe(consumer, collect);
        }
        while (queued.tryDeframe(consumer, collect) > 0 || consumer.available() > 0) {
            // drain what is left
        }
        queued.endOfStream();
        assertEquals(0, consumer.available(), "every byte is released");

        List<byte[]> batched = viaFramedQueue(input, bytes, maxFrameLength, check, 2048, false);
        List<byte[]> dropping = viaFramedQueue(input, bytes, maxFrameLength, check, maxFrameLength + 8, true);

        int matched = 0;
        for (byte[] frame : delivered) {
            if (matched < valid.size() && Arrays.equals(frame, valid.get(matched))) {
                matched++;
            }
        }
        assertEquals(valid.size(), matched, "every valid frame is delivered intact, in order");

        DeframerStats stats = pieces.stats();
        assertEquals(bytes.length, stats.bytesRead(), "every byte is consumed");
        assertEquals(runs(bytes), stats.framesDelivered() + stats.errors(), "every run is accounted for once");
        assertEquals(delivered.size(), stats.framesDelivered());
        assertEquals(delivered.size(), deliveredWhole.size(), "piece boundaries do not matter");
        for (int i = 0; i < delivered.size(); i++) {
            assertTrue(Arrays.equals(delivered.get(i), deliveredWhole.get(i)), "piece boundaries do not matter");
        }
        assertEquals(stats.toString(), whole.stats().toString());
        assertEquals(stats.toString(), queued.stats().toString(), "read grants change nothing");
        assertEquals(delivered.size(), deliveredQueued.size());
        for (int i = 0; i < delivered.size(); i++) {
            assertTrue(Arrays.equals(delivered.get(i), deliveredQueued.get(i)), "read grants change nothing");
        }
        assertEquals(delivered.size(), batched.size(), "batches change nothing");
        for (int i = 0; i < delivered.size(); i++) {
            assertTrue(Arrays.equals(delivered.get(i), batched.get(i)), "batches change nothing");
        }
        int kept = 0;
        for (byte[] frame : delivered) {
            if (kept < dropping.size() && Arrays.equals(frame, dropping.get(kept))) {
                kept++;
            }
        }
        assertEquals(dropping.size(), kept, "what survives overload arrives intact and in order");
    }

    /**
     * Feeds the bytes through a raw queue of 97 bytes into a framed queue of {@code framedCapacity}
     * bytes, one read grant per call, reading the framed queue after every other call (every call
     * unless dropping, so that a deframer that waits for room never has to). Checks the accounting
     * and returns the frames that came out.
     */
    private static List<byte[]> viaFramedQueue(byte[] input, byte[] bytes, int maxFrameLength, FrameCheck check,
            int framedCapacity, boolean dropWhenFull) {
        BBQueue raw = BBQueue.allocate(97);
        BBQueue framed = BBQueue.allocate(framedCapacity);
        Producer producer = raw.producer();
        Consumer consumer = raw.consumer();
        FrameProducer out = framed.frameProducer();
        FrameConsumer frames = framed.frameConsumer();
        Deframer deframer = new Deframer(maxFrameLength, check, dropWhenFull);
        List<byte[]> received = new ArrayList<>();
        FrameHandler collect = frame -> {
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            received.add(b);
        };
        int calls = 0;
        int at = 0;
        try {
            while (at < bytes.length || consumer.available() > 0) {
                at = feed(producer, input, bytes, at);
                deframer.tryDeframe(consumer, out);
                if (!dropWhenFull || calls++ % 2 == 1) {
                    frames.drain(collect, Integer.MAX_VALUE);
                }
            }
        } catch (InterruptedException e) {
            throw new AssertionError("a deframer that never has to wait was interrupted", e);
        }
        frames.drain(collect, Integer.MAX_VALUE);
        DeframerStats stats = deframer.stats();
        assertEquals(bytes.length, stats.bytesRead(), "every byte is consumed");
        assertEquals(received.size(), stats.framesDelivered(), "delivered means published");
        assertEquals(framed.stats().framesCommitted(), stats.framesDelivered());
        assertEquals(framed.stats().framesDropped(), stats.framesDropped());
        if (!dropWhenFull) {
            assertEquals(0, stats.framesDropped());
        }
        return received;
    }

    /**
     * Commits the next piece of {@code bytes}, from {@code at}, into the raw queue if it has room (a
     * piece of 1 to 64 bytes, as the input says); returns where the bytes not yet committed start.
     */
    private static int feed(Producer producer, byte[] input, byte[] bytes, int at) {
        if (at == bytes.length) {
            return at;
        }
        WriteGrant grant = producer.tryGrantMax(1 + (input.length == 0 ? 0 : input[at % input.length] & 0x3F));
        if (grant == null) {
            return at;
        }
        int n = Math.min(grant.length(), bytes.length - at);
        grant.buffer().put(bytes, at, n);
        grant.commit(n);
        return at + n;
    }

    private static long runs(byte[] bytes) {
        long runs = 0;
        boolean inRun = false;
        for (byte b : bytes) {
            if (b == 0) {
                runs += inRun ? 1 : 0;
                inRun = false;
            } else {
                inRun = true;
            }
        }
        return runs + (inRun ? 1 : 0);
    }
}
