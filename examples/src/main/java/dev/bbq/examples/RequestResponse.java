package dev.bbq.examples;

import dev.bbq.BBQueue;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameGrant;
import dev.bbq.FrameProducer;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code request-response}: framed request/response over two queues, one per direction (each queue
 * has one producer and one consumer). The client writes requests ("send me {@code count} readings of
 * sensor {@code s}") into the request queue, building each frame in place in a grant; the server
 * thread reads each request, writes the response frame in place into the response queue and
 * releases the request. Up to {@code --in-flight} requests are outstanding at once. The client
 * checks that responses come back in order, each with the expected id and readings, and measures
 * the round trip. Closing the request producer is how the client says "no more": the server sees
 * the end of the stream, closes the response producer, and the client sees that end in turn.
 */
@Command(name = "request-response", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Framed request/response over two queues: a client thread writes requests into one queue, a "
                + "server thread answers each into the other; responses are matched to requests and checked, and the "
                + "round trip is measured. End of stream travels through close().", ""})
public final class RequestResponse implements Callable<Integer> {
    private static final int REQUEST = 4 + 1 + 1 + 8;

    @Spec
    CommandSpec spec;

    @Option(names = "--requests", defaultValue = "100000", paramLabel = "N",
            description = "Requests to send (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--in-flight", defaultValue = "8", paramLabel = "N",
            description = "Requests outstanding at most, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--queue", defaultValue = "16KiB", converter = Cli.SizeConverter.class, paramLabel = "SIZE",
            description = "Capacity of each queue (default: ${DEFAULT-VALUE}).")
    long queueSize;

    @Override
    public Integer call() throws Exception {
        if (requests < 1) {
            throw Cli.badValue(spec, "--requests must be at least 1");
        }
        if (inFlight < 1 || inFlight > 1000) {
            throw Cli.badValue(spec, "--in-flight must be 1 to 1000");
        }
        if (queueSize < 1024 || queueSize > 1 << 30) {
            throw Cli.badValue(spec, "--queue must be 1KiB to 1GiB");
        }
        if ((long) inFlight * (REQUEST + 1) > queueSize) {
            // Otherwise the client could block on a full request queue while the server blocks on a
            // full response queue: each would wait for the other.
            throw Cli.badValue(spec, "--queue must hold --in-flight requests: at least " + inFlight * (REQUEST + 1)
                    + " bytes");
        }
        BBQueue requestQueue = BBQueue.allocate((int) queueSize);
        BBQueue responseQueue = BBQueue.allocate((int) queueSize);
        Thread server = new Thread(() -> serve(requestQueue.frameConsumer(), responseQueue.frameProducer()),
                "request-response-server");
        server.setDaemon(true);
        server.start();

        FrameProducer out = requestQueue.frameProducer();
        FrameConsumer in = responseQueue.frameConsumer();
        Histogram roundTrip = new Histogram(3);
        long start = System.nanoTime();
        int sent = 0;
        int answered = 0;
        int mismatched = 0;
        while (answered < requests) {
            if (sent < requests && sent - answered < inFlight) {
                try (FrameGrant g = out.grant(REQUEST)) {
                    ByteBuffer b = g.buffer();
                    b.putInt(sent).put((byte) (sent % 8)).put((byte) (1 + sent % 16)).putLong(System.nanoTime());
                    g.commit(b.position());
                }
                if (++sent == requests) {
                    out.close(); // no more requests: the server sees the end of the stream
                }
                continue;
            }
            Frame f = in.read();
            if (f == null) {
                break; // the server ended early
            }
            ByteBuffer b = f.buffer();
            long now = System.nanoTime();
            if (!matches(b, answered)) {
                mismatched++;
            }
            roundTrip.recordValue(Math.max(0, now - b.getLong(b.position() + 6)));
            f.release();
            answered++;
        }
        boolean endSeen = in.read() == null && in.isClosed();
        server.join(10_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter o = spec.commandLine().getOut();
        o.println(String.format(Locale.ROOT, "request-response: %,d requests, %,d responses in %.2f s (%,.0f round "
                + "trips/s, up to %d in flight)", sent, answered, seconds, answered / seconds, inFlight));
        o.println(String.format(Locale.ROOT, "  round trip: p50 %s, p99 %s, max %s",
                Cli.micros(roundTrip.getValueAtPercentile(50)), Cli.micros(roundTrip.getValueAtPercentile(99)),
                Cli.micros(roundTrip.getMaxValue())));
        boolean ok = answered == requests && mismatched == 0 && endSeen;
        o.println(String.format(Locale.ROOT, "  %s: %,d unanswered, %,d mismatched, end of stream %s",
                ok ? "OK" : "FAILED", requests - answered, mismatched, endSeen ? "seen" : "NOT SEEN"));
        return ok ? Cli.OK : Cli.INTEGRITY;
    }

    /**
     * The server: each request {@code (id, sensor, count, t0)} gets the response
     * {@code (id, count, t0, count readings)}, written in place into a frame grant.
     */
    private static void serve(FrameConsumer requests, FrameProducer responses) {
        try {
            Frame req;
            while ((req = requests.read()) != null) {
                ByteBuffer r = req.buffer();
                int p = r.position();
                int id = r.getInt(p);
                int sensor = r.get(p + 4);
                int count = r.get(p + 5);
                long t0 = r.getLong(p + 6);
                try (FrameGrant g = responses.grant(4 + 2 + 8 + 4 * count)) {
                    ByteBuffer b = g.buffer();
                    b.putInt(id).putShort((short) count).putLong(t0);
                    for (int i = 0; i < count; i++) {
                        b.putFloat(reading(sensor, id, i));
                    }
                    g.commit(b.position());
                }
                req.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            responses.close(); // end of stream for the client
        }
    }

    /** Whether a response is the one for request {@code id}, readings included. */
    private static boolean matches(ByteBuffer b, int id) {
        int p = b.position();
        int count = b.getShort(p + 4);
        if (b.getInt(p) != id || count != 1 + id % 16 || b.remaining() != 4 + 2 + 8 + 4 * count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (b.getFloat(p + 14 + 4 * i) != reading(id % 8, id, i)) {
                return false;
            }
        }
        return true;
    }

    private static float reading(int sensor, int id, int i) {
        return sensor * 100 + (id % 1000) * 0.01f + i;
    }
}
