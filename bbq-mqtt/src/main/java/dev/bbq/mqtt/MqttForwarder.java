package dev.bbq.mqtt;

import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameHandler;
import dev.bbq.FrameWindow;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Forwards the frames of a framed queue to an MQTT broker, one MQTT message (QoS 1) per frame, and
 * releases each frame from the queue only after the broker acknowledged it (PUBACK).
 *
 * <pre>{@code
 * BBQueue queue = BBQueue.allocate(1 << 20);
 * FrameProducer driver = queue.frameProducer();   // the driver thread: writeOrDrop, never blocks
 * try (MqttForwarder forwarder = MqttForwarder.builder(queue.frameConsumer(), "tcp://127.0.0.1:1883")
 *         .clientId("pi-kitchen").topic("bbq/telemetry").build()) {
 *     forwarder.start();
 *     ...
 * }
 * }</pre>
 *
 * <p><b>No release before the acknowledgement.</b> The forwarder's thread holds the oldest frame
 * ({@link FrameConsumer#read(long, TimeUnit)}), copies it into an MQTT message, publishes it with QoS 1
 * and waits for the broker's PUBACK; only then does it {@link Frame#release()} the frame and read the
 * next. One frame is in flight at a time, which is what a frame consumer allows (it holds at most one
 * frame) and what keeps the order: frames reach the broker in the order they were committed. When the
 * connection is lost, or the acknowledgement does not come within
 * {@link Builder#ackTimeout(long, TimeUnit)}, the frame stays held, the forwarder reconnects and
 * publishes it again (counted in {@link ForwarderStats#framesRedelivered()}).
 *
 * <p><b>Batching.</b> With {@link Builder#batch(int, int)}, each message carries several consecutive
 * frames in the {@link BatchPayload} format. The forwarder reads them as a {@link FrameWindow}, which
 * keeps them all in the queue, and releases them together once the broker acknowledged the message:
 * the same guarantee per frame, with one round trip per batch instead of one per frame.
 *
 * <p><b>Store and forward.</b> While the broker is unreachable, frames wait in the queue; once it is
 * full, the producer's overload policy applies ({@link dev.bbq.FrameProducer#writeOrDrop(byte[], int,
 * int)} drops and counts), so the producer never waits for the network. With a queue file, the
 * consumer's position is in the file: a forwarder started on the reopened file resumes at the oldest
 * unacknowledged frame. Delivery is at least once.
 *
 * <p><b>Connections.</b> Each connection attempt uses a fresh Paho client with a clean session and
 * in-memory persistence (the queue is the store; nothing is written to the working directory). An
 * attempt is bounded by {@link Builder#connectTimeout(long, TimeUnit)}; failed attempts and lost
 * connections are retried after a backoff that doubles from {@link Builder#backoff(long, long,
 * TimeUnit)}'s minimum up to its maximum, and starts again from the minimum after a successful
 * connection.
 *
 * <p><b>Threads.</b> {@link #start()} starts one daemon thread that owns the frame consumer from then
 * on: no other thread may use the consumer until {@link #close()} returned. {@link #stats()} and
 * {@link #state()} may be called from any thread.
 */
public final class MqttForwarder implements AutoCloseable {
    private static final int QOS = 1;
    /** How long a read waits for a frame before the thread checks whether it should stop. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final FrameConsumer consumer;
    private final String serverUri;
    private final String clientId;
    private final String topic;
    private final Function<ByteBuffer, String> topicKey;
    private final String userName;
    private final char[] password;
    private final SocketFactory socketFactory;
    private final long connectTimeoutNanos;
    private final long ackTimeoutNanos;
    private final long backoffMinNanos;
    private final long backoffMaxNanos;
    private final int keepAliveSeconds;
    private final int maxPayloadBytes;
    private final int rejectAfterLosses;
    private final int batchFrames;
    private final int batchBytes;

    private final AtomicLong framesPublished = new AtomicLong();
    private final AtomicLong messagesPublished = new AtomicLong();
    private final AtomicLong framesAcknowledged = new AtomicLong();
    private final AtomicLong framesRedelivered = new AtomicLong();
    private final AtomicLong bytesAcknowledged = new AtomicLong();
    private final AtomicLong framesTooLarge = new AtomicLong();
    private final AtomicLong framesRejected = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private volatile long lastAckNanos;
    private volatile boolean acked;
    private volatile ConnectionState state = ConnectionState.NEW;
    private volatile String lastError;
    private volatile boolean stopping;
    private volatile Throwable failure;

    private Thread thread;
    private MqttAsyncClient client;

    private MqttForwarder(Builder b) {
        this.consumer = b.consumer;
        this.serverUri = b.serverUri;
        this.clientId = b.clientId;
        this.topic = b.topic;
        this.topicKey = b.topicKey;
        this.userName = b.userName;
        this.password = b.password == null ? null : b.password.clone();
        this.socketFactory = b.socketFactory;
        this.connectTimeoutNanos = b.connectTimeoutNanos;
        this.ackTimeoutNanos = b.ackTimeoutNanos;
        this.backoffMinNanos = b.backoffMinNanos;
        this.backoffMaxNanos = b.backoffMaxNanos;
        this.keepAliveSeconds = b.keepAliveSeconds;
        this.maxPayloadBytes = b.maxPayloadBytes;
        this.rejectAfterLosses = b.rejectAfterLosses;
        this.batchFrames = b.batchFrames;
        // A batch of several frames must fit the largest message too (build() checks that there is
        // room); only a single frame may not, and is then counted as too large.
        this.batchBytes = (int) Math.min(b.batchBytes, b.batchRoom());
    }

    /**
     * Starts building a forwarder.
     *
     * @param consumer the queue's frame consumer; the forwarder's thread uses it from
     *        {@link #start()} until {@link #close()}, and does not close it
     * @param serverUri the broker, as Paho takes it: {@code tcp://host:port}, or {@code ssl://host:port}
     *        for TLS (see {@link Builder#socketFactory(SocketFactory)})
     * @return a builder
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(FrameConsumer consumer, String serverUri) {
        return new Builder(consumer, serverUri);
    }

    /**
     * Starts the forwarder's thread, which connects and forwards frames until {@link #close()}.
     *
     * @throws IllegalStateException if already started, or closed
     */
    public synchronized void start() {
        if (thread != null || stopping) {
            throw new IllegalStateException(stopping ? "closed" : "already started");
        }
        thread = new Thread(this::run, "bbq-mqtt-forwarder[" + clientId + "]");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The connection's current state.
     *
     * @return the state
     */
    public ConnectionState state() {
        return state;
    }

    /**
     * A snapshot of the counters.
     *
     * @return the statistics now
     */
    public ForwarderStats stats() {
        long connected = connects.get();
        return new ForwarderStats(framesPublished.get(), framesAcknowledged.get(), framesRedelivered.get(),
                bytesAcknowledged.get(), framesTooLarge.get(), framesRejected.get(), connected,
                Math.max(0, connected - 1), connectFailures.get(), state,
                acked ? System.nanoTime() - lastAckNanos : -1, lastError, messagesPublished.get());
    }

    /**
     * What ended the forwarder's thread other than {@link #close()} or the end of the stream: an
     * unexpected exception, for example a corrupt frame header in a queue file.
     *
     * @return the exception, or {@code null}
     */
    public Throwable failure() {
        return failure;
    }

    /**
     * Stops the forwarder: the thread stops, a frame it holds and has not seen acknowledged stays in
     * the queue (a later forwarder publishes it again), and the connection is closed. Waits for the
     * thread to end, which takes at most about the connect or acknowledgement timeout. The frame
     * consumer is left open, for the caller to close or hand to another forwarder. Idempotent. An
     * interrupt while waiting does not cut the wait short; it leaves the interrupt status set.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            stopping = true;
            t = thread;
        }
        if (t == null) {
            state = ConnectionState.CLOSED;
            return;
        }
        t.interrupt();
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long backoff = backoffMinNanos;
        Frame frame = null; // the frame held, without batching
        FrameWindow window = batchFrames > 0 ? new FrameWindow() : null; // the frames held, with batching
        Batch batch = batchFrames > 0 ? new Batch() : null;
        int held = 0; // frames held: 0 (none), 1, or a window's
        long heldBytes = 0;
        byte[] payload = null;
        String frameTopic = null;
        boolean published = false; // what is held has been published at least once
        int losses = 0; // connections lost in a row while what is held was in flight
        try {
            while (!stopping) {
                if (client == null) {
                    if (!connect()) {
                        state = ConnectionState.WAITING_TO_RECONNECT;
                        sleep(backoff);
                        backoff = Math.min(backoffMaxNanos, backoff * 2);
                        continue;
                    }
                    backoff = backoffMinNanos;
                }
                if (held == 0) {
                    if (window == null) {
                        frame = consumer.read(POLL_NANOS, TimeUnit.NANOSECONDS);
                        if (frame != null) {
                            if (frame.length() > maxPayloadBytes) {
                                framesTooLarge.incrementAndGet();
                                frame.release();
                                frame = null;
                                continue;
                            }
                            ByteBuffer buffer = frame.buffer();
                            payload = new byte[buffer.remaining()];
                            buffer.duplicate().get(payload);
                            frameTopic = topicKey == null ? topic
                                    : topic.replace("{key}", topicKey.apply(buffer.asReadOnlyBuffer()));
                            held = 1;
                            heldBytes = payload.length;
                        }
                    } else {
                        batch.clear();
                        int n = window.read(consumer, batch, batchFrames, batchBytes, POLL_NANOS, TimeUnit.NANOSECONDS);
                        if (n > 0) {
                            if (batch.size > maxPayloadBytes) { // a single frame (see the constructor)
                                framesTooLarge.addAndGet(n);
                                window.release();
                                continue;
                            }
                            payload = batch.message(n);
                            frameTopic = topic;
                            held = n;
                            heldBytes = window.bytes();
                        }
                    }
                    if (held == 0) {
                        if (consumer.isClosed()) {
                            break;
                        }
                        continue;
                    }
                    published = false;
                    losses = 0;
                }
                IMqttDeliveryToken token;
                try {
                    token = client.publish(frameTopic, payload, QOS, false);
                } catch (MqttException e) {
                    if (e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT) {
                        Thread.sleep(1); // Paho is still freeing the previous one's slot
                        continue;
                    }
                    lost("publish failed: " + describe(e));
                    continue; // not sent: not a redelivery
                }
                messagesPublished.incrementAndGet();
                framesPublished.addAndGet(held);
                if (published) {
                    framesRedelivered.addAndGet(held);
                }
                published = true;
                try {
                    token.waitForCompletion(TimeUnit.NANOSECONDS.toMillis(ackTimeoutNanos));
                } catch (MqttException e) {
                    if (stopping) {
                        break;
                    }
                    lost("no acknowledgement: " + describe(e));
                    if (rejectAfterLosses > 0 && ++losses >= rejectAfterLosses) {
                        framesRejected.addAndGet(held);
                        frame = release(frame, window);
                        held = 0;
                    }
                    continue;
                }
                if (!token.isComplete() || token.getException() != null) {
                    lost("no acknowledgement within " + TimeUnit.NANOSECONDS.toMillis(ackTimeoutNanos) + " ms");
                    continue;
                }
                // The broker has the frames: only now may they leave the queue.
                frame = release(frame, window);
                bytesAcknowledged.addAndGet(heldBytes);
                lastAckNanos = System.nanoTime();
                acked = true;
                framesAcknowledged.addAndGet(held); // last: who sees it sees the bytes and the time too
                held = 0;
            }
        } catch (InterruptedException e) {
            // close(): fall through
        } catch (RuntimeException | Error e) {
            if (!stopping) {
                failure = e;
                lastError = "forwarder stopped: " + e;
            }
        } finally {
            if (frame != null) {
                frame.close(); // keeps it in the queue
            }
            if (window != null) {
                window.close(); // keeps them in the queue
            }
            dropClient();
            state = ConnectionState.CLOSED;
        }
    }

    /** Releases what is held, the frame or the window's frames; returns null, the frame held now. */
    private static Frame release(Frame frame, FrameWindow window) {
        if (frame != null) {
            frame.release();
        } else {
            window.release();
        }
        return null;
    }

    /**
     * The message being built from a window's frames, in the {@link BatchPayload} format: a buffer
     * that grows as needed and is reused, and the copy of exactly its bytes that Paho publishes.
     */
    private static final class Batch implements FrameHandler {
        private byte[] bytes = new byte[4096];
        int size;

        void clear() {
            size = BatchPayload.HEADER_BYTES;
        }

        @Override
        public void onFrame(ByteBuffer frame) {
            int length = frame.remaining();
            int need = size + BatchPayload.FRAME_HEADER_BYTES + length;
            if (need > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(need, bytes.length * 2));
            }
            BatchPayload.putLength(bytes, size, length);
            frame.duplicate().get(bytes, size + BatchPayload.FRAME_HEADER_BYTES, length);
            size = need;
        }

        byte[] message(int frames) {
            BatchPayload.putHeader(bytes, frames);
            return Arrays.copyOf(bytes, size);
        }
    }

    /** One connection attempt, bounded by the connect timeout. */
    private boolean connect() throws InterruptedException {
        state = ConnectionState.CONNECTING;
        MqttAsyncClient c = null;
        try {
            c = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setAutomaticReconnect(false);
            options.setConnectionTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(connectTimeoutNanos)));
            options.setKeepAliveInterval(keepAliveSeconds);
            // One publication is in flight at a time, but Paho frees its in-flight slot a moment after
            // the token completes: a limit of 1 would refuse the next publication (32202).
            options.setMaxInflight(10);
            if (userName != null) {
                options.setUserName(userName);
            }
            if (password != null) {
                options.setPassword(password.clone());
            }
            if (socketFactory != null) {
                options.setSocketFactory(socketFactory);
            } else if (serverUri.startsWith("tcp://")) {
                options.setSocketFactory(NoDelaySockets.FACTORY);
            }
            IMqttToken token = c.connect(options);
            token.waitForCompletion(Math.max(1, TimeUnit.NANOSECONDS.toMillis(connectTimeoutNanos)));
            if (!c.isConnected()) {
                throw new MqttException(MqttException.REASON_CODE_CLIENT_TIMEOUT);
            }
            client = c;
            connects.incrementAndGet();
            state = ConnectionState.CONNECTED;
            return true;
        } catch (MqttException | IllegalArgumentException e) {
            // The error first: whoever sees the count go up sees why.
            lastError = "connect to " + serverUri + " failed: " + describe(e);
            connectFailures.incrementAndGet();
            close(c);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return false;
        }
    }

    /**
     * Plain sockets with TCP_NODELAY. A message that spans several TCP segments (a batch) otherwise
     * waits for Nagle's algorithm: its last segment is held until the broker's kernel acknowledges
     * the others, which it delays by up to 40 ms since the broker has nothing to answer before it has
     * the whole message. Measured: batches of 100 records crawled at about 20 messages per second.
     * Paho creates each socket with {@link #createSocket()} and connects it itself.
     */
    private static final class NoDelaySockets extends SocketFactory {
        static final SocketFactory FACTORY = new NoDelaySockets();

        private static Socket noDelay(Socket s) throws IOException {
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(new Socket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(new Socket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(new Socket(host, port, local, localPort));
        }
    }

    private void lost(String why) {
        lastError = why;
        state = ConnectionState.WAITING_TO_RECONNECT;
        dropClient();
    }

    private void dropClient() {
        MqttAsyncClient c = client;
        client = null;
        close(c);
    }

    private static void close(MqttAsyncClient c) {
        if (c == null) {
            return;
        }
        try {
            c.disconnectForcibly(0, 100, false);
        } catch (MqttException | RuntimeException e) {
            // already down
        }
        try {
            c.close(true);
        } catch (MqttException | RuntimeException e) {
            // nothing more to free
        }
    }

    private void sleep(long nanos) throws InterruptedException {
        if (!stopping) {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    }

    private static String describe(Exception e) {
        if (e instanceof MqttException) {
            MqttException m = (MqttException) e;
            Throwable cause = m.getCause();
            return m.getMessage() + " (reason " + m.getReasonCode() + ")" + (cause == null ? "" : ": " + cause);
        }
        return String.valueOf(e);
    }

    @Override
    public String toString() {
        return "MqttForwarder[" + serverUri + ", clientId=" + clientId + ", topic=" + topic + ", " + state + "]";
    }

    /** Options of a {@link MqttForwarder}; {@link #build()} makes it. */
    public static final class Builder {
        private final FrameConsumer consumer;
        private final String serverUri;
        private String clientId = "bbq-" + Long.toHexString(System.nanoTime());
        private String topic = "bbq/telemetry";
        private Function<ByteBuffer, String> topicKey;
        private String userName;
        private char[] password;
        private SocketFactory socketFactory;
        private long connectTimeoutNanos = TimeUnit.SECONDS.toNanos(5);
        private long ackTimeoutNanos = TimeUnit.SECONDS.toNanos(10);
        private long backoffMinNanos = TimeUnit.MILLISECONDS.toNanos(100);
        private long backoffMaxNanos = TimeUnit.SECONDS.toNanos(30);
        private int keepAliveSeconds = 30;
        private int maxPayloadBytes = 268_435_455 - 65_535 - 4; // MQTT's packet limit, less the headers
        private int rejectAfterLosses;
        private int batchFrames;
        private int batchBytes;

        private Builder(FrameConsumer consumer, String serverUri) {
            this.consumer = Objects.requireNonNull(consumer, "consumer");
            this.serverUri = Objects.requireNonNull(serverUri, "serverUri");
        }

        /**
         * The MQTT client id. Two clients with the same id on one broker throw each other off, so
         * give each board its own. Default: {@code bbq-} and a number.
         *
         * @param clientId the client id, 1 to 23 characters for any broker (Mosquitto takes longer)
         * @return this builder
         */
        public Builder clientId(String clientId) {
            if (clientId.isEmpty()) {
                throw new IllegalArgumentException("empty client id");
            }
            this.clientId = clientId;
            return this;
        }

        /**
         * The topic to publish to, or a template: {@code {key}} in it is replaced by the
         * {@link #topicKey(Function) topic key} of each frame, e.g. {@code bbq/telemetry/{key}} for a
         * topic per sensor. Default: {@code bbq/telemetry}.
         *
         * @param topic the topic or template
         * @return this builder
         */
        public Builder topic(String topic) {
            if (topic.isEmpty() || topic.contains("#") || topic.contains("+")) {
                throw new IllegalArgumentException("not a topic to publish to: '" + topic + "'");
            }
            this.topic = topic;
            return this;
        }

        /**
         * Computes each frame's key for the topic template (see {@link #topic(String)}), for instance
         * a sensor id read from the payload. It gets a read-only view of the frame's bytes (it must not
         * keep it) and runs on the forwarder's thread. A key that makes no valid topic (with
         * {@code +} or {@code #} in it), or an exception it throws, stops the forwarder, with the
         * frame left in the queue ({@link MqttForwarder#failure()} tells why).
         *
         * @param topicKey the function, or {@code null} for a fixed topic
         * @return this builder
         */
        public Builder topicKey(Function<ByteBuffer, String> topicKey) {
            this.topicKey = topicKey;
            return this;
        }

        /**
         * User name and password for the broker. Default: none.
         *
         * @param userName the user name
         * @param password the password; the builder keeps a copy
         * @return this builder
         */
        public Builder credentials(String userName, char[] password) {
            this.userName = Objects.requireNonNull(userName, "userName");
            this.password = password.clone();
            return this;
        }

        /**
         * The socket factory, for TLS: an {@link javax.net.ssl.SSLSocketFactory} from an
         * {@link javax.net.ssl.SSLContext} that trusts the broker's certificate, with an
         * {@code ssl://} server URI. Default: Paho's choice (plain sockets for {@code tcp://}, the
         * JVM's default TLS for {@code ssl://}).
         *
         * @param socketFactory the factory
         * @return this builder
         */
        public Builder socketFactory(SocketFactory socketFactory) {
            this.socketFactory = Objects.requireNonNull(socketFactory, "socketFactory");
            return this;
        }

        /**
         * How long one connection attempt may take, up to the broker's CONNACK. Default: 5 s.
         *
         * @param timeout the time, more than 0
         * @param unit its unit
         * @return this builder
         */
        public Builder connectTimeout(long timeout, TimeUnit unit) {
            this.connectTimeoutNanos = positive(timeout, unit);
            return this;
        }

        /**
         * How long to wait for a frame's acknowledgement before the connection counts as lost and the
         * frame is published again on a new one. Default: 10 s.
         *
         * @param timeout the time, more than 0
         * @param unit its unit
         * @return this builder
         */
        public Builder ackTimeout(long timeout, TimeUnit unit) {
            this.ackTimeoutNanos = positive(timeout, unit);
            return this;
        }

        /**
         * The wait between connection attempts: it starts at {@code min}, doubles after each failed
         * attempt up to {@code max}, and is back at {@code min} after a successful connection.
         * Default: 100 ms to 30 s.
         *
         * @param min the first wait, more than 0
         * @param max the longest wait, at least {@code min}
         * @param unit their unit
         * @return this builder
         */
        public Builder backoff(long min, long max, TimeUnit unit) {
            long lo = positive(min, unit);
            long hi = positive(max, unit);
            if (hi < lo) {
                throw new IllegalArgumentException("backoff max " + max + " < min " + min);
            }
            this.backoffMinNanos = lo;
            this.backoffMaxNanos = hi;
            return this;
        }

        /**
         * The MQTT keep-alive interval. Default: 30 s.
         *
         * @param seconds the interval in seconds, 0 for none
         * @return this builder
         */
        public Builder keepAliveSeconds(int seconds) {
            if (seconds < 0) {
                throw new IllegalArgumentException("keep-alive " + seconds + " < 0");
            }
            this.keepAliveSeconds = seconds;
            return this;
        }

        /**
         * The longest frame to publish. Longer frames are never published: each is released and
         * counted in {@link ForwarderStats#framesTooLarge()}. Set it below the broker's maximum packet
         * size less the topic's length and a few header bytes (Mosquitto's {@code max_packet_size}: a
         * broker closes the connection on a larger packet). Default: MQTT's own limit.
         *
         * @param bytes the most payload bytes, at least 1
         * @return this builder
         */
        public Builder maxPayloadBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max payload " + bytes + " < 1");
            }
            this.maxPayloadBytes = bytes;
            return this;
        }

        /**
         * Gives up on a frame when the connection was lost this many times in a row while the frame
         * was in flight, each time after a successful connection: the broker refuses it (as Mosquitto
         * does with a packet over its {@code max_packet_size}, closing the connection). The frame is
         * released and counted in {@link ForwarderStats#framesRejected()}, so that one frame the broker
         * will never take cannot stop the forwarding of all that follow. Default: 0, never give up
         * (strict at-least-once; the forwarder then retries such a frame forever, and
         * {@link ForwarderStats#lastError()} and {@link ForwarderStats#reconnects()} show it).
         *
         * @param losses the losses in a row, at least 0; 0 never gives up
         * @return this builder
         */
        public Builder rejectAfterLosses(int losses) {
            if (losses < 0) {
                throw new IllegalArgumentException("losses " + losses + " < 0");
            }
            this.rejectAfterLosses = losses;
            return this;
        }

        /**
         * Publishes up to {@code maxFrames} consecutive frames in one message, in the
         * {@link BatchPayload} format (every message then has it, also one of a single frame): one
         * round trip to the broker per batch instead of per frame. The frames of a batch stay in the
         * queue until the broker acknowledged its message, and are then released together; a batch
         * that must be published again (a lost connection) is the same message again, so redelivered
         * frames come in whole batches. A batch holds at most {@code maxBytes} bytes of frames
         * (headers not counted), except that a longer frame travels alone; the message is then at
         * most {@code maxBytes + 4 + 4 * maxFrames} bytes. A frame whose message would exceed
         * {@link #maxPayloadBytes(int)} is released and counted as too large, as without batching.
         * Not together with a {@link #topicKey(Function) topic key}: the frames of a batch share one
         * topic. Default: no batching, one frame per message, the frame's bytes as they are.
         *
         * @param maxFrames the most frames per message, 1 to {@value BatchPayload#MAX_FRAMES}
         * @param maxBytes the most bytes of frames per message, at least 1
         * @return this builder
         */
        public Builder batch(int maxFrames, int maxBytes) {
            if (maxFrames < 1 || maxFrames > BatchPayload.MAX_FRAMES) {
                throw new IllegalArgumentException("batch of " + maxFrames + " frames: must be 1 to "
                        + BatchPayload.MAX_FRAMES);
            }
            if (maxBytes < 1) {
                throw new IllegalArgumentException("batch of " + maxBytes + " bytes: must be at least 1");
            }
            this.batchFrames = maxFrames;
            this.batchBytes = maxBytes;
            return this;
        }

        /**
         * Makes the forwarder; {@link MqttForwarder#start()} starts it.
         *
         * @return the forwarder
         * @throws IllegalStateException if both {@link #batch(int, int)} and a
         *         {@link #topicKey(Function) topic key} are set, or a batch's headers alone would
         *         exceed {@link #maxPayloadBytes(int)}
         */
        public MqttForwarder build() {
            if (batchFrames > 0 && topicKey != null) {
                throw new IllegalStateException("batch() and topicKey() exclude each other: the frames of a "
                        + "batch share one topic");
            }
            if (batchFrames > 0 && batchRoom() < 1) {
                throw new IllegalStateException("maxPayloadBytes " + maxPayloadBytes + " leaves no room for the frames"
                        + " of a batch of " + batchFrames + ": its headers alone take "
                        + (BatchPayload.HEADER_BYTES + BatchPayload.FRAME_HEADER_BYTES * batchFrames) + " bytes");
            }
            return new MqttForwarder(this);
        }

        /** The bytes of frames a message of a full batch has room for, beside its headers. */
        private long batchRoom() {
            return (long) maxPayloadBytes - BatchPayload.HEADER_BYTES - (long) BatchPayload.FRAME_HEADER_BYTES * batchFrames;
        }

        private static long positive(long time, TimeUnit unit) {
            if (time <= 0) {
                throw new IllegalArgumentException("time " + time + " must be more than 0");
            }
            return unit.toNanos(time);
        }
    }
}
