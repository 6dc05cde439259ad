package dev.bbq;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The child processes of {@link QueueFileRestartSoakTest}; each records what it did in its
 * {@link SoakLedger} file, which survives its SIGKILL.
 *
 * <ul>
 *   <li>{@code produce QUEUE LEDGER RUN LIMIT [raw]}: takes the producer half and writes frames 0, 1, ...
 *       of producer run {@code RUN}, storing after each commit returned how many have; with
 *       {@code LIMIT} -1 it writes until killed, else it writes {@code LIMIT} frames and closes.</li>
 *   <li>{@code consume QUEUE LEDGER TO_END [raw]}: takes the consumer half and reads frames, checking each
 *       (intact, in order, no old frame again) and recording it before releasing it. With
 *       {@code TO_END} 0 it reads until killed, and the end of the stream is a violation (only a
 *       producer's close ends it, and in the soak producers only die); with 1 it reads to the end
 *       of the stream. Every 512th frame it holds for 2 ms between recording and releasing it, so
 *       that some kills leave a frame read and not released. A {@code close} line on its stdin makes
 *       it close the consumer while holding its next frame, and end.</li>
 * </ul>
 *
 * <p>With {@code raw} the queue is raw: the producer writes each frame as a record through one grant,
 * committed whole, and the consumer finds the records back to back, releasing one at a time.
 *
 * <p>A violation or an exception is recorded in the consumer's ledger and printed, and the process
 * exits with status 3 (consumer) or 2 (producer); the test reports any exit it did not cause.
 */
public final class RestartSoakChild {
    private RestartSoakChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("produce")) {
            try {
                produce(args);
            } catch (Throwable t) {
                System.out.println(stamp() + "producer " + pid() + " failed:");
                t.printStackTrace(System.out);
                System.out.flush();
                System.exit(2);
            }
        } else if (args[0].equals("consume")) {
            ByteBuffer ledger = SoakLedger.map(Paths.get(args[2]), SoakLedger.CONSUMER_LEDGER_BYTES);
            try {
                String problem = consume(args, ledger);
                if (problem != null) {
                    fail(ledger, problem);
                }
                System.exit(0);
            } catch (Throwable t) {
                t.printStackTrace(System.out);
                fail(ledger, "consumer " + pid() + " threw " + t);
            }
        } else {
            throw new IllegalArgumentException(args[0]);
        }
    }

    private static void fail(ByteBuffer ledger, String problem) {
        SoakLedger.violation(ledger, problem);
        System.out.println(stamp() + "consumer " + pid() + " VIOLATION: " + problem);
        System.out.flush();
        System.exit(3);
    }

    private static void produce(String[] args) throws Exception {
        ByteBuffer ledger = SoakLedger.map(Paths.get(args[2]), SoakLedger.PRODUCER_LEDGER_BYTES);
        int run = Integer.parseInt(args[3]);
        long limit = Long.parseLong(args[4]);
        boolean raw = args.length > 5 && args[5].equals("raw");
        BBQueue queue = BBQueue.openMapped(Paths.get(args[1]));
        FrameProducer framed = raw ? null : queue.frameProducer();
        Producer bytes = raw ? queue.producer() : null;
        SoakLedger.set(ledger, SoakLedger.ATTACHED_RUN, run);
        System.out.println(stamp() + (raw ? "raw " : "") + "producer " + pid() + " run " + run
                + " attached; consumer gone: " + queue.isConsumerGone());
        System.out.flush();
        byte[] frame = new byte[SoakLedger.HEADER + SoakLedger.MAX_PAYLOAD + SoakLedger.TRAILER];
        for (long seq = 0; limit < 0 || seq < limit; seq++) {
            int length = SoakLedger.encode(run, seq, frame);
            if (raw) {
                // A record per grant, committed whole: the consumer finds records back to back.
                WriteGrant grant = (seq & 1) == 0 ? bytes.tryGrantExact(length) : null;
                while (grant == null) { // full: the consumer is slow, or dead; keep waiting, a consumer will come
                    grant = bytes.grantExact(length, 100, TimeUnit.MILLISECONDS);
                }
                grant.put(0, frame, 0, length);
                grant.commit(length);
            } else if ((seq & 1) == 0) {
                while (!framed.tryWrite(frame, 0, length)) { // full: the consumer is slow, or dead
                    LockSupport.parkNanos(200_000);
                }
            } else {
                while (!framed.write(frame, 0, length, 100, TimeUnit.MILLISECONDS)) {
                    // full: keep waiting, a consumer will come
                }
            }
            SoakLedger.recordCommitted(ledger, run, seq + 1); // the commit returned
        }
        if (raw) {
            bytes.close();
        } else {
            framed.close();
        }
        System.out.println(stamp() + "producer " + pid() + " run " + run + " wrote " + limit + " frames and closed");
        System.out.flush();
    }

    private static String consume(String[] args, ByteBuffer ledger) throws Exception {
        boolean toEnd = args[3].equals("1");
        boolean raw = args.length > 4 && args[4].equals("raw");
        BBQueue queue = BBQueue.openMapped(Paths.get(args[1]));
        FrameConsumer framed = raw ? null : queue.frameConsumer();
        Consumer stream = raw ? queue.consumer() : null;
        SoakLedger.increment(ledger, SoakLedger.STARTS);
        SoakLedger.Deliveries deliveries = new SoakLedger.Deliveries(ledger);
        System.out.println(stamp() + (raw ? "raw " : "") + "consumer " + pid() + " attached; producer gone: "
                + queue.isProducerGone());
        System.out.flush();
        byte[] bytes = new byte[SoakLedger.HEADER + SoakLedger.MAX_PAYLOAD + SoakLedger.TRAILER];
        boolean goneSeen = false;
        Thread stdin = new Thread(RestartSoakChild::readCommands, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        long frames = 0;
        while (true) {
            Frame frame = null;
            ReadGrant grant = null;
            if (raw) {
                grant = stream.read(100, TimeUnit.MILLISECONDS);
            } else {
                frame = framed.read(100, TimeUnit.MILLISECONDS);
            }
            if (frame == null && grant == null) {
                if (raw ? stream.isClosed() : framed.isClosed()) {
                    if (!toEnd) {
                        return "the stream ended though no producer closed (producer gone: "
                                + queue.isProducerGone() + ")";
                    }
                    SoakLedger.set(ledger, SoakLedger.END_SEEN, 1);
                    System.out.println(stamp() + "consumer " + pid() + " read " + frames + " frames to the end");
                    System.out.flush();
                    return null;
                }
                if (closeRequested) {
                    if (raw) {
                        stream.close();
                    } else {
                        framed.close();
                    }
                    System.out.println(stamp() + "consumer " + pid() + " closed after " + frames + " frames");
                    System.out.flush();
                    return null;
                }
                if (!goneSeen && queue.isProducerGone()) {
                    goneSeen = true;
                    SoakLedger.increment(ledger, SoakLedger.GONE_SEEN);
                }
                continue;
            }
            int length;
            if (raw) {
                // Records lie back to back, each committed whole: a grant starts at a record and holds all of it.
                if (grant.length() < SoakLedger.HEADER) {
                    return "a read grant of " + grant.length() + " bytes holds no whole record header";
                }
                grant.get(0, bytes, 0, SoakLedger.HEADER);
                int run = SoakLedger.run(bytes);
                long seq = SoakLedger.seq(bytes);
                if (run <= 0 || run >= SoakLedger.MAX_RUNS || seq < 0) {
                    return "a record header says frame " + run + "/" + seq + ": out of range";
                }
                length = SoakLedger.frameLength(run, seq);
                if (grant.length() < length) {
                    return "a read grant of " + grant.length() + " bytes holds part of record " + run + "/" + seq
                            + " (" + length + " bytes)";
                }
                grant.get(0, bytes, 0, length);
            } else {
                length = frame.length();
                if (length > bytes.length) {
                    return "a frame of " + length + " bytes, longer than any soak frame";
                }
                frame.get(0, bytes, 0, length);
            }
            String damage = SoakLedger.damage(bytes, length);
            if (damage != null) {
                return damage;
            }
            int run = SoakLedger.run(bytes);
            long seq = SoakLedger.seq(bytes);
            String disorder = deliveries.deliver(run, seq); // recorded before the release
            if (disorder != null) {
                return disorder;
            }
            if (closeRequested) {
                // Close while holding the frame: it stays unreleased, and the next consumer gets it again.
                SoakLedger.increment(ledger, SoakLedger.CLOSED_HOLDING);
                if (raw) {
                    stream.close();
                } else {
                    framed.close();
                }
                System.out.println(stamp() + "consumer " + pid() + " closed after " + frames + " frames, holding "
                        + run + "/" + seq);
                System.out.flush();
                return null;
            }
            if ((frames & 511) == 511) {
                // Now and then hold a recorded frame a moment before releasing it, so that some
                // consumer kills land here and the frame must be delivered again (at-least-once).
                LockSupport.parkNanos(2_000_000L);
            }
            SoakLedger.recordReleasing(ledger, run, seq);
            if (raw) {
                grant.release(length);
            } else {
                frame.release();
            }
            SoakLedger.recordReleased(ledger, run, seq);
            frames++;
        }
    }

    /** Set by a {@code close} line on stdin: the consumer closes (holding a frame) and the process ends. */
    private static volatile boolean closeRequested;

    private static void readCommands() {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("close")) {
                    closeRequested = true;
                }
            }
        } catch (IOException e) {
            // the test has gone; the kill follows
        }
    }

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    private static String stamp() {
        return String.format("%tT.%<tL ", System.currentTimeMillis());
    }
}
