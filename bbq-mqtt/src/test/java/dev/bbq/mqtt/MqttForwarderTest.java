package dev.bbq.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;
import dev.bbq.testing.mosquitto.Mosquitto;
import dev.bbq.testing.mosquitto.Subscriber;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder against a real Mosquitto broker, started by each test on a free loopback port with a
 * config of its own. A separate client subscribes and checks the sequence number and contents of
 * every frame.
 */
class MqttForwarderTest {
    /**
     * The bound on any one writeOrDrop call: generous, so that a loaded machine's scheduling and GC
     * pauses never fail it, yet below every network wait a blocked call would sit through (the
     * 3 s outage, the 1.5 s connect timeout of a silent host). A bound on "never waited", not on speed.
     */
    private static final long NEVER_WAITED_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final String TOPIC = "bbq/test";

    @TempDir
    Path dir;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        // Last opened, first closed: forwarders before the broker.
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        cleanup.add(resource);
        return resource;
    }

    /** Frame {@code seq}: its number, then bytes that depend on it, 24 to 123 bytes in all. */
    static byte[] frame(long seq) {
        byte[] b = new byte[24 + (int) (seq % 100)];
        ByteBuffer.wrap(b).putLong(seq);
        for (int i = 8; i < b.length; i++) {
            b[i] = (byte) (seq * 31 + i);
        }
        return b;
    }

    /** The sequence number of frame {@link #frame(long)}: its first 8 bytes. */
    static long seq(byte[] payload) {
        return ByteBuffer.wrap(payload).getLong();
    }

    /**
     * Checks that {@code received} holds every frame of {@code accepted}, intact and in order, with
     * repeats only of frames already received; returns the number of repeats.
     */
    static int checkInOrder(List<Long> accepted, List<byte[]> received) {
        int next = 0;
        long highest = -1;
        int duplicates = 0;
        for (byte[] payload : received) {
            long seq = seq(payload);
            assertArrayEquals(frame(seq), payload, "frame " + seq + " intact");
            if (seq <= highest) {
                duplicates++;
                continue;
            }
            assertTrue(next < accepted.size(), "frame " + seq + " was never written");
            assertEquals(accepted.get(next), seq, "frames in order");
            next++;
            highest = seq;
        }
        assertEquals(accepted.size(), next, "every accepted frame arrived");
        return duplicates;
    }

    /** A driver thread: writes frames with writeOrDrop, which never blocks, and notes which the queue took. */
    static final class Driver implements AutoCloseable {
        final List<Long> accepted = new ArrayList<>();
        private final FrameProducer producer;
        private final long intervalNanos;
        private final Thread thread;
        private volatile boolean stop;
        volatile long attempts;
        volatile long slowestCallNanos;

        Driver(FrameProducer producer, long intervalNanos, long frames) {
            this.producer = producer;
            this.intervalNanos = intervalNanos;
            this.thread = new Thread(() -> run(frames), "driver");
            thread.start();
        }

        private void run(long frames) {
            for (long seq = 0; seq < frames && !stop; seq++) {
                byte[] b = frame(seq);
                long t0 = System.nanoTime();
                boolean ok = producer.writeOrDrop(b, 0, b.length);
                long took = System.nanoTime() - t0;
                if (took > slowestCallNanos) {
                    slowestCallNanos = took;
                }
                if (ok) {
                    synchronized (accepted) {
                        accepted.add(seq);
                    }
                }
                attempts = seq + 1;
                if (intervalNanos > 0) {
                    LockSupport.parkNanos(intervalNanos);
                }
            }
        }

        List<Long> accepted() {
            synchronized (accepted) {
                return new ArrayList<>(accepted);
            }
        }

        void join() throws InterruptedException {
            thread.join(30_000);
            assertTrue(!thread.isAlive(), "driver thread ended");
        }

        @Override
        public void close() {
            stop = true;
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(10);
        }
    }

    private MqttForwarder.Builder forwarder(FrameConsumer consumer, String uri) {
        return MqttForwarder.builder(consumer, uri).clientId("bbq-test-forwarder").topic(TOPIC)
                .connectTimeout(1, TimeUnit.SECONDS).ackTimeout(2, TimeUnit.SECONDS)
                .backoff(50, 500, TimeUnit.MILLISECONDS);
    }

    @Test
    void everyFrameArrivesIntactAndInOrder() throws Exception {
        Mosquitto broker = closing(Mosquitto.start(dir, "allow_anonymous true", "persistence false"));
        Subscriber subscriber = closing(new Subscriber(broker.uri(), TOPIC));
        BBQueue queue = BBQueue.allocate(1 << 16);
        MqttForwarder forwarder = closing(forwarder(queue.frameConsumer(), broker.uri()).build());
        forwarder.start();
        Driver driver = closing(new Driver(queue.frameProducer(), 100_000, 2_000));
        driver.join();
        List<Long> accepted = driver.accepted();
        await("the forwarder acknowledged every frame", 20_000,
                () -> forwarder.stats().framesAcknowledged() == accepted.size());
        List<byte[]> received = subscriber.await(accepted.size(), 10_000);
        int duplicates = checkInOrder(accepted, received);

        ForwarderStats stats = forwarder.stats();
        assertEquals(ConnectionState.CONNECTED, stats.state());
        assertEquals(0, duplicates, "no repeats without a lost connection");
        assertEquals(0, stats.framesRedelivered());
        assertEquals(accepted.size(), stats.framesPublished());
        long bytes = 0;
        for (long seq : accepted) {
            bytes += frame(seq).length;
        }
        assertEquals(bytes, stats.bytesAcknowledged());
        assertEquals(1, stats.connects());
        assertEquals(0, stats.reconnects());
        assertTrue(stats.nanosSinceLastAck() >= 0);
        assertEquals(queue.stats().framesCommitted(), queue.stats().framesReleased());
        assertEquals(2_000 - accepted.size(), queue.stats().framesDropped(), "drops are counted");
    }

    @Test
    void aBatchCarriesConsecutiveFramesInOrderAndReleasesThemWithItsAcknowledgement() throws Exception {
        Mosquitto broker = closing(Mosquitto.start(dir, "allow_anonymous true", "persistence false"));
        Subscriber subscriber = closing(new Subscriber(broker.uri(), TOPIC));
        BBQueue queue = BBQueue.allocate(1 << 20);
        FrameProducer producer = queue.frameProducer();
        List<Long> accepted = new ArrayList<>();
        for (long seq = 0; seq < 5_000; seq++) {
            write(producer, frame(seq));
            accepted.add(seq);
        }
        MqttForwarder forwarder = closing(forwarder(queue.frameConsumer(), broker.uri()).batch(50, 2_000).build());
        forwarder.start();
        await("every frame acknowledged", 30_000, () -> forwarder.stats().framesAcknowledged() == 5_000);
        ForwarderStats stats = forwarder.stats();
        List<byte[]> messages = subscriber.await((int) stats.messagesPublished(), 10_000);
        assertEquals(stats.messagesPublished(), messages.size(), "one message per batch");
        List<byte[]> frames = new ArrayList<>();
        for (byte[] message : messages) {
            List<byte[]> batch = BatchPayloadTest.decode(message);
            assertTrue(batch.size() <= 50, "at most 50 frames: " + batch.size());
            long bytes = 0;
            for (byte[] f : batch) {
                bytes += f.length;
            }
            assertTrue(bytes <= 2_000, "at most 2,000 bytes of frames: " + bytes);
            frames.addAll(batch);
        }
        assertEquals(0, checkInOrder(accepted, frames), "every frame once, in order");
        assertEquals(5_000, stats.framesPublished());
        assertTrue(stats.messagesPublished() <= 5_000 / 20, "batches of about 27 frames of 24 to 123 bytes: " + stats);
        assertEquals(5_000, queue.stats().framesReleased(), "released: every acknowledged frame");
        assertEquals(0, stats.framesRedelivered());
    }

    @Test
    void batchingAndATopicKeyExcludeEachOther() {
        BBQueue queue = BBQueue.allocate(1 << 12);
        MqttForwarder.Builder b = MqttForwarder.builder(queue.frameConsumer(), "tcp://127.0.0.1:1").batch(10, 100)
                .topic("bbq/{key}").topicKey(frame -> "k");
        IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
        assertEquals("batch() and topicKey() exclude each other: the frames of a batch share one topic", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.batch(0, 100));
        assertThrows(IllegalArgumentException.class, () -> b.batch(65_536, 100));
        assertThrows(IllegalArgumentException.class, () -> b.batch(10, 0));
    }

    @Test
    void aBatchMustLeaveRoomForFramesInTheLargestMessage() {
        BBQueue queue = BBQueue.allocate(1 << 12);
        MqttForwarder.Builder b = MqttForwarder.builder(queue.frameConsumer(), "tcp://127.0.0.1:1").batch(100, 1_000)
                .maxPayloadBytes(404);
        IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
        assertEquals("maxPayloadBytes 404 leaves no room for the frames of a batch of 100: its headers alone take "
                + "404 bytes", e.getMessage());
        b.maxPayloadBytes(405).build().close();
    }

    @Test
    void theTopicTemplateTakesEachFramesKey() throws Exception {
        Mosquitto broker = closing(Mosquitto.start(dir, "allow_anonymous true", "persistence false"));
        Subscriber odd = closing(new Subscriber(broker.uri(), "bbq/sensor/odd", "sub-odd"));
        Subscriber even = closing(new Subscriber(broker.uri(), "bbq/sensor/even", "sub-even"));
        BBQueue queue = BBQueue.allocate(1 << 14);
        FrameProducer producer = queue.frameProducer();
        for (long seq = 0; seq < 20; seq++) {
            write(producer, frame(seq));
        }
        MqttForwarder forwarder = closing(forwarder(queue.frameConsumer(), broker.uri()).topic("bbq/sensor/{key}")
                .topicKey(frame -> frame.getLong(frame.position()) % 2 == 0 ? "even" : "odd").build());
        forwarder.start();
        await("20 frames forwarded", 10_000, () -> forwarder.stats().framesAcknowledged() == 20);
        assertEquals(0, checkInOrder(List.of(1L, 3L, 5L, 7L, 9L, 11L, 13L, 15L, 17L, 19L), odd.await(10, 5_000)));
        assertEquals(0, checkInOrder(List.of(0L, 2L, 4L, 6L, 8L, 10L, 12L, 14L, 16L, 18L), even.await(10, 5_000)));
    }

    @Test
    void overTlsWithTheBrokersCertificateTrusted() throws Exception {
        // A self-signed certificate for 127.0.0.1, made by openssl; the client trusts exactly it.
        Path key = dir.resolve("broker.key");
        Path cert = dir.resolve("broker.crt");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertTrue(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0,
                () -> "openssl failed: " + readQuietly(dir.resolve("openssl.log")));
        Mosquitto broker = closing(Mosquitto.start(dir, "allow_anonymous true", "persistence false",
                "certfile " + cert, "keyfile " + key));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("broker", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);

        BBQueue queue = BBQueue.allocate(1 << 14);
        FrameProducer producer = queue.frameProducer();
        for (long seq = 0; seq < 50; seq++) {
            write(producer, frame(seq));
        }
        String uri = "ssl://127.0.0.1:" + broker.port;
        MqttForwarder forwarder = closing(forwarder(queue.frameConsumer(), uri)
                .socketFactory(tls.getSocketFactory()).build());
        forwarder.start();
        await("50 frames over TLS", 10_000, () -> forwarder.stats().framesAcknowledged() == 50);

        // Without the broker's certificate trusted, the handshake fails: a clear error, nothing released.
        BBQueue other = BBQueue.allocate(1 << 12);
        write(other.frameProducer(), frame(0));
        MqttForwarder untrusting = closing(forwarder(other.frameConsumer(), uri).build());
        untrusting.start();
        await("a failed handshake", 10_000, () -> untrusting.stats().connectFailures() >= 1);
        assertEquals(0, other.stats().framesReleased());
        String error = untrusting.stats().lastError();
        assertTrue(error.contains("SSL") || error.contains("cert"), error);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void backlogDrainsInOrderAfterTheBrokerWasDown() throws Exception {
        // Persistence on: the subscriber's session and its queued messages survive the restart, so
        // that anything the broker acknowledged before it went down still reaches the subscriber.
        Mosquitto broker = closing(Mosquitto.start(dir, "allow_anonymous true", "persistence true",
                "persistence_location " + dir + "/", "max_inflight_messages 0"));
        Subscriber subscriber = closing(new Subscriber(broker.uri(), TOPIC));
        BBQueue queue = BBQueue.allocate(1 << 14); // fills in well under the outage
        MqttForwarder forwarder = closing(forwarder(queue.frameConsumer(), broker.uri()).build());
        forwarder.start();
        // One frame every 0.5 ms, ~80 B each: about 160 kB/s against a 16 KiB queue.
        Driver driver = closing(new Driver(queue.frameProducer(), 500_000, Long.MAX_VALUE));
        Thread.sleep(1_000);
        long ackedBefore = forwarder.stats().framesAcknowledged();
        assertTrue(ackedBefore > 0, "frames forwarded before the outage");

        broker.stop();
        subscriber.close();
        long attemptsAtStop = driver.attempts;
        Thread.sleep(3_000);
        assertTrue(driver.attempts > attemptsAtStop + 1_000, "the driver thread went on writing: "
                + attemptsAtStop + " -> " + driver.attempts);
        assertTrue(queue.stats().framesDropped() > 0, "the full queue dropped frames, counted");
        ForwarderStats down = forwarder.stats();
        assertNotEquals(ConnectionState.CONNECTED, down.state(), down.toString());
        assertTrue(down.connectFailures() > 0, down.toString());

        broker.start();
        Subscriber again = closing(new Subscriber(broker.uri(), TOPIC));
        Thread.sleep(1_000);
        driver.close();
        List<Long> accepted = driver.accepted();
        await("the backlog drained", 20_000, () -> forwarder.stats().framesAcknowledged() == accepted.size());
        List<byte[]> received = new ArrayList<>(subscriber.messages());
        List<byte[]> afterRestart = again.awaitLast(p -> seq(p) == accepted.get(accepted.size() - 1), 10_000);
        // The restarted subscriber (same client id, persistent session) gets what the broker queued for
        // it, and everything after; the first one got what came before the outage.
        received.addAll(afterRestart);
        int duplicates = checkInOrder(accepted, received);

        ForwarderStats stats = forwarder.stats();
        assertTrue(stats.reconnects() >= 1, stats.toString());
        // Repeats come from the forwarder's redeliveries and from the broker's own: it redelivers to
        // the subscriber what it had sent before the restart without seeing the PUBACK.
        System.out.println("outage: " + duplicates + " repeats at the subscriber; " + stats + "; " + queue.stats());
        assertEquals(accepted.size() + stats.framesRedelivered(), stats.framesPublished(), stats.toString());
        assertEquals(driver.attempts - accepted.size(), queue.stats().framesDropped(), "every drop counted");
        assertTrue(driver.slowestCallNanos < NEVER_WAITED_NANOS,
                "writeOrDrop never waited for the network: slowest call " + driver.slowestCallNanos + " ns");
    }

    @Test
    void refusedCredentialsAreAClearErrorAndTheFramesStay() throws Exception {
        Path passwords = Mosquitto.passwordFile(dir, "pi", "right");
        Mosquitto broker = closing(Mosquitto.start(dir, "allow_anonymous false", "password_file " + passwords,
                "persistence false"));
        BBQueue queue = BBQueue.allocate(1 << 12);
        FrameConsumer consumer = queue.frameConsumer();
        MqttForwarder wrong = forwarder(consumer, broker.uri()).credentials("pi", "wrong".toCharArray()).build();
        closing(wrong).start();
        Driver driver = closing(new Driver(queue.frameProducer(), 0, 200));
        driver.join();
        await("two refused attempts", 10_000, () -> wrong.stats().connectFailures() >= 2);
        ForwarderStats stats = wrong.stats();
        String error = stats.lastError();
        assertTrue(error.contains("(reason 5)") || error.contains("(reason 4)"), "refused by the broker: " + error);
        assertEquals(0, stats.connects());
        assertEquals(0, queue.stats().framesReleased(), "nothing left the queue");
        long t0 = System.nanoTime();
        wrong.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3), "close() does not hang");
        assertTrue(driver.slowestCallNanos < NEVER_WAITED_NANOS);

        // The right password: the frames that waited are forwarded now.
        Subscriber subscriber = closing(new Subscriber(broker.uri(), TOPIC, "pi", "right"));
        MqttForwarder right = closing(forwarder(consumer, broker.uri()).credentials("pi", "right".toCharArray())
                .build());
        right.start();
        List<Long> accepted = driver.accepted();
        await("the waiting frames forwarded", 10_000, () -> right.stats().framesAcknowledged() == accepted.size());
        assertEquals(0, checkInOrder(accepted, subscriber.await(accepted.size(), 10_000)));
    }

    @Test
    void aHostThatDoesNotAnswerNeverBlocksTheDriver() throws Exception {
        // Two kinds of silence on loopback: a port where nothing listens (refused at once), and a
        // socket that accepts TCP connections (the kernel does, from its backlog) but never answers
        // the MQTT CONNECT, so only the connect timeout ends each attempt.
        int closedPort = Mosquitto.freePort();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String[] uris = {"tcp://127.0.0.1:" + closedPort, "tcp://127.0.0.1:" + silent.getLocalPort()};
            for (String uri : uris) {
                BBQueue queue = BBQueue.allocate(1 << 12);
                MqttForwarder forwarder = forwarder(queue.frameConsumer(), uri)
                        .connectTimeout(1500, TimeUnit.MILLISECONDS).build();
                try (forwarder) {
                    forwarder.start();
                    try (Driver driver = new Driver(queue.frameProducer(), 200_000, 5_000)) {
                        driver.join();
                        assertTrue(driver.slowestCallNanos < NEVER_WAITED_NANOS,
                                "writeOrDrop never waited: " + driver.slowestCallNanos + " ns");
                        assertTrue(queue.stats().framesDropped() > 0, "the full queue dropped, counted");
                    }
                    await("failed attempts at " + uri, 10_000, () -> forwarder.stats().connectFailures() >= 2);
                    ForwarderStats stats = forwarder.stats();
                    assertEquals(0, stats.connects(), stats.toString());
                    assertEquals(0, queue.stats().framesReleased(), "nothing left the queue");
                    assertTrue(stats.lastError().startsWith("connect to " + uri + " failed"), stats.lastError());
                    assertEquals(-1, stats.nanosSinceLastAck());
                    long t0 = System.nanoTime();
                    forwarder.close();
                    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3), "close() does not hang");
                    assertEquals(ConnectionState.CLOSED, forwarder.state());
                }
            }
        }
    }

    @Test
    void aFrameOverTheBrokersMaximumPacketSizeIsCountedNotStuck() throws Exception {
        Mosquitto broker = closing(Mosquitto.start(dir, "allow_anonymous true", "persistence false",
                "max_packet_size 1000"));
        Subscriber subscriber = closing(new Subscriber(broker.uri(), TOPIC));
        byte[] big = new byte[3_000];
        ByteBuffer.wrap(big).putLong(-1);

        // Known limit: the forwarder skips the frame itself.
        BBQueue queue = BBQueue.allocate(1 << 14);
        FrameProducer producer = queue.frameProducer();
        write(producer, frame(0));
        write(producer, big);
        write(producer, frame(1));
        MqttForwarder skip = closing(forwarder(queue.frameConsumer(), broker.uri()).maxPayloadBytes(900).build());
        skip.start();
        await("two frames forwarded", 10_000, () -> skip.stats().framesAcknowledged() == 2);
        assertEquals(1, skip.stats().framesTooLarge());
        assertEquals(0, skip.stats().reconnects());
        skip.close();

        // Unknown limit: the broker closes the connection on the packet; after two losses in a row
        // the frame counts as rejected and the frames after it go on.
        BBQueue queue2 = BBQueue.allocate(1 << 14);
        FrameProducer producer2 = queue2.frameProducer();
        write(producer2, frame(2));
        write(producer2, big);
        write(producer2, frame(3));
        MqttForwarder reject = closing(forwarder(queue2.frameConsumer(), broker.uri()).rejectAfterLosses(2).build());
        reject.start();
        await("two frames forwarded", 15_000, () -> reject.stats().framesAcknowledged() == 2);
        ForwarderStats stats = reject.stats();
        assertEquals(1, stats.framesRejected(), stats.toString());
        assertEquals(2, stats.reconnects(), stats.toString());
        assertTrue(stats.lastError().startsWith("no acknowledgement"), stats.lastError());
        assertEquals(0, checkInOrder(List.of(0L, 1L, 2L, 3L), subscriber.await(4, 5_000)));
        assertEquals(queue2.stats().framesCommitted(), queue2.stats().framesReleased());
    }

    private static void write(FrameProducer producer, byte[] b) {
        assertTrue(producer.writeOrDrop(b, 0, b.length));
    }

    @Test
    void aRestartedForwarderResumesAtTheLastAcknowledgedFrameOfAQueueFile() throws Exception {
        Mosquitto broker = closing(Mosquitto.start(dir, "allow_anonymous true", "persistence false"));
        Subscriber subscriber = closing(new Subscriber(broker.uri(), TOPIC));
        Path file = dir.resolve("telemetry.bbq");
        List<Long> accepted = new ArrayList<>();
        FrameProducer producer = BBQueue.createMapped(file, 1 << 16).frameProducer();
        for (long seq = 0; seq < 300; seq++) {
            write(producer, frame(seq));
            accepted.add(seq);
        }
        // The first forwarder's process: attaches to the file, forwards some, stops.
        BBQueue firstView = BBQueue.openMapped(file);
        FrameConsumer consumer = firstView.frameConsumer();
        MqttForwarder first = forwarder(consumer, broker.uri()).build();
        first.start();
        await("some frames forwarded", 10_000, () -> first.stats().framesAcknowledged() >= 100);
        first.close();
        ForwarderStats firstStats = first.stats();
        assertTrue(firstStats.framesAcknowledged() < 300, "stopped mid-way: " + firstStats);
        assertEquals(firstStats.framesAcknowledged(), firstView.stats().framesReleased(), "released = acknowledged");
        long unackedFirst = firstStats.framesPublished() - firstStats.framesAcknowledged();
        consumer.close();

        // Its successor: attaches to the same file and goes on from the consumer position in it.
        BBQueue secondView = BBQueue.openMapped(file);
        FrameConsumer successor = secondView.frameConsumer();
        MqttForwarder second = closing(forwarder(successor, broker.uri()).build());
        second.start();
        await("the rest forwarded", 10_000,
                () -> second.stats().framesAcknowledged() + firstStats.framesAcknowledged() >= 300);
        second.close();
        int duplicates = checkInOrder(accepted, subscriber.awaitLast(p -> seq(p) == 299, 5_000));
        assertTrue(duplicates <= unackedFirst, "repeats " + duplicates + " only of the frame published and not"
                + " acknowledged when the first forwarder stopped (" + unackedFirst + ")");
        assertEquals(300, secondView.stats().framesReleased(), "released, over both, = acknowledged");
        Frame none = successor.tryRead();
        assertNull(none, "the queue file is empty");
        successor.close();
        producer.close();
    }
}
