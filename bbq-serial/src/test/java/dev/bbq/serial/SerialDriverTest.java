package dev.bbq.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.ReadGrant;
import dev.bbq.SplitReadGrant;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pump and sink logic against a scripted port: chunking, overruns, failures, stopping. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SerialDriverTest {

    static SerialSettings settings(int staging, long overrunWaitMillis) {
        return SerialSettings.builder("/dev/fake").stagingSize(staging)
                .overrunWait(overrunWaitMillis, TimeUnit.MILLISECONDS).build();
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(2);
        }
    }

    static byte[] drain(Consumer consumer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SplitReadGrant grant;
        while ((grant = consumer.trySplitRead()) != null) {
            for (ByteBuffer b : new ByteBuffer[] {grant.first(), grant.second()}) {
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                out.write(bytes, 0, bytes.length);
            }
            grant.release(grant.length());
        }
        return out.toByteArray();
    }

    @Test
    void pumpCommitsEveryByteInOrderThroughTheStagingArrayAcrossTheWrapPoint() throws Exception {
        byte[] data = new byte[50_000];
        new Random(3).nextBytes(data);
        for (boolean direct : new boolean[] {false, true}) {
            FakeLink l = new FakeLink();
            Random sizes = new Random(4);
            for (int at = 0; at < data.length; ) {
                int n = Math.min(data.length - at, 1 + sizes.nextInt(700));
                l.script.add(java.util.Arrays.copyOfRange(data, at, at + n));
                at += n;
            }
            BBQueue queue = direct ? BBQueue.allocateDirect(1000) : BBQueue.allocate(1000);
            Consumer consumer = queue.consumer();
            SerialPump pump = SerialPump.start(l, settings(256, 10_000), queue.producer());
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (got.size() < data.length) {
                ReadGrant grant = consumer.read(20, TimeUnit.SECONDS);
                assertNotNull(grant);
                byte[] b = new byte[grant.length()];
                grant.buffer().get(b);
                got.write(b, 0, b.length);
                grant.release(b.length);
            }
            pump.close();
            assertArrayEquals(data, got.toByteArray());
            assertEquals(256, l.largestRead, "reads never ask for more than the staging array");
            SerialStats stats = pump.stats();
            assertEquals(data.length, stats.bytesTransferred());
            assertEquals(0, stats.overruns());
            assertEquals(0, stats.errors());
            assertTrue(consumer.isClosed(), "a stopped pump closes its producer: end of stream");
        }
    }

    @Test
    void pumpDropsAndCountsAnOverrunWhenTheQueueStaysFull() throws Exception {
        FakeLink link = new FakeLink();
        BBQueue queue = BBQueue.allocate(100);
        Consumer consumer = queue.consumer();
        link.script.add(new byte[80]);
        link.script.add(new byte[50]); // 20 fit, 30 are dropped
        SerialPump pump = SerialPump.start(link, settings(4096, 1), queue.producer());
        awaitTrue(() -> pump.stats().overruns() == 1, "the overrun is counted");
        SerialStats stats = pump.stats();
        assertEquals(130, stats.bytesTransferred());
        assertEquals(30, stats.bytesDropped());
        assertEquals(100, consumer.available());
        assertTrue(pump.isRunning(), "an overrun is not a failure");
        pump.close();
        assertNull(pump.failure());
    }

    @Test
    void pumpReportsAPortFailureStopsAndLeavesCommittedBytesReadable() throws Exception {
        FakeLink link = new FakeLink();
        link.script.add(new byte[] {1, 2, 3});
        link.script.add(FakeLink.FAIL);
        BBQueue queue = BBQueue.allocate(64);
        Consumer consumer = queue.consumer();
        SerialPump pump = SerialPump.start(link, settings(16, 100), queue.producer());
        assertTrue(pump.awaitStop(20, TimeUnit.SECONDS));
        assertFalse(pump.isRunning());
        assertNotNull(pump.failure());
        assertTrue(pump.failure().getMessage().contains("/dev/fake"), pump.failure().getMessage());
        assertTrue(pump.failure().getMessage().contains("error 5"), pump.failure().getMessage());
        assertEquals(1, pump.stats().errors());
        assertArrayEquals(new byte[] {1, 2, 3}, drain(consumer));
        assertTrue(consumer.isClosed());
    }

    @Test
    void pumpStopsWhenItsConsumerCloses() throws Exception {
        FakeLink link = new FakeLink();
        BBQueue queue = BBQueue.allocate(64);
        Consumer consumer = queue.consumer();
        SerialPump pump = SerialPump.start(link, settings(16, 100), queue.producer());
        consumer.close();
        link.script.add(new byte[] {9});
        assertTrue(pump.awaitStop(20, TimeUnit.SECONDS));
        assertNull(pump.failure(), "nobody left to read is not a port failure");
    }

    @Test
    void closeStopsAnIdlePumpPromptly() throws Exception {
        SerialPump pump = SerialPump.start(new FakeLink(), settings(16, 100), BBQueue.allocate(64).producer());
        assertTrue(pump.isRunning());
        pump.close();
        assertFalse(pump.isRunning());
        pump.close(); // idempotent
    }

    @Test
    void sinkWritesEverythingInOrderAcrossPartialWritesAndStopsAtTheEndOfTheStream() throws Exception {
        FakeLink link = new FakeLink();
        link.writeLimit = 37;
        BBQueue queue = BBQueue.allocate(1000);
        Producer producer = queue.producer();
        SerialSink sink = SerialSink.start(link, settings(100, 100), queue.consumer());
        byte[] data = new byte[20_000];
        new Random(5).nextBytes(data);
        try (var out = producer.asOutputStream()) {
            out.write(data);
        }
        assertTrue(sink.awaitStop(20, TimeUnit.SECONDS), "the sink stops at the end of its stream");
        assertArrayEquals(data, link.writtenBytes());
        assertEquals(data.length, sink.stats().bytesTransferred());
        assertNull(sink.failure());
    }

    @Test
    void sinkReportsAPortFailureAndClosesItsConsumer() throws Exception {
        FakeLink link = new FakeLink();
        link.failWrites = true;
        BBQueue queue = BBQueue.allocate(64);
        Producer producer = queue.producer();
        SerialSink sink = SerialSink.start(link, settings(16, 100), queue.consumer());
        var grant = producer.tryGrantExact(4);
        grant.commit(4);
        assertTrue(sink.awaitStop(20, TimeUnit.SECONDS));
        assertNotNull(sink.failure());
        assertEquals(1, sink.stats().errors());
        assertThrows(dev.bbq.QueueClosedException.class, () -> producer.tryGrantExact(1),
                "the producer learns that nobody writes its bytes any more");
    }

    @Test
    void settingsRejectNonsenseAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> SerialSettings.builder(""));
        assertThrows(IllegalArgumentException.class, () -> SerialSettings.builder("/dev/x").baudRate(0));
        assertThrows(IllegalArgumentException.class, () -> SerialSettings.builder("/dev/x").stopBits(3));
        assertThrows(IllegalArgumentException.class, () -> SerialSettings.builder("/dev/x").dataBits(9));
        assertThrows(IllegalArgumentException.class, () -> SerialSettings.builder("/dev/x").stagingSize(0));
        assertThrows(IllegalArgumentException.class,
                () -> SerialSettings.builder("/dev/x").readTimeout(99, TimeUnit.MILLISECONDS));
        assertEquals(200, SerialSettings.builder("/dev/x").readTimeout(250, TimeUnit.MILLISECONDS).build()
                .readTimeoutMillis(), "Linux counts tenths of a second");
        assertThrows(IllegalArgumentException.class,
                () -> SerialSettings.builder("/dev/x").overrunWait(-1, TimeUnit.MILLISECONDS));
        SerialSettings s = SerialSettings.builder("/dev/ttyAMA0").build();
        assertEquals(115_200, s.baudRate());
        assertEquals(4096, s.stagingSize());
        assertEquals(100, s.readTimeoutMillis());
    }

    @Test
    void openingAPortThatDoesNotExistSaysWhich() {
        var e = assertThrows(java.io.IOException.class,
                () -> SerialConnection.open(SerialSettings.builder("/dev/bbq-no-such-port").build()));
        assertTrue(e.getMessage().contains("/dev/bbq-no-such-port"), e.getMessage());
    }
}
