package dev.bbq;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's examples, as written there, so that they keep compiling and working. */
class ReadmeExamplesTest {

    @Test
    void rawBytesExample() throws Exception {
        byte[] input = Bytes.sequence(0, 10_000);
        ReadableByteChannel channel = Channels.newChannel(new java.io.ByteArrayInputStream(input));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        WritableByteChannel out = Channels.newChannel(sink);

        BBQueue queue = BBQueue.allocateDirect(64 * 1024);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();

        for (int i = 0; i < 3; i++) {
            WriteGrant grant = producer.tryGrantMax(4096);
            if (grant != null) {
                int n = channel.read(grant.buffer());
                grant.commit(Math.max(n, 0));
            }
            ReadGrant read = consumer.tryRead();
            if (read != null) {
                int n = out.write(read.buffer());
                read.release(n);
            }
        }
        assertArrayEquals(input, sink.toByteArray());
    }

    @Test
    void sharedProducerExample() throws Exception {
        byte[] record = Bytes.sequence(3, 20);

        BBQueue telemetry = BBQueue.allocateDirect(64 * 1024);
        SharedFrameProducer shared = telemetry.sharedFrameProducer();   // instead of frameProducer(), for life
        Thread other = new Thread(() -> shared.writeOrDrop(record, 0, record.length));
        other.start();
        shared.writeOrDrop(record, 0, record.length);                  // from any thread; never waits
        other.join();

        FrameConsumer consumer = telemetry.frameConsumer();
        assertEquals(2, consumer.drain(frame -> assertEquals(20, frame.remaining()), 10));
    }

    @Test
    void framesExample() {
        byte[] message = Bytes.sequence(5, 30);
        List<byte[]> handled = new ArrayList<>();

        BBQueue queue = BBQueue.allocate(16 * 1024);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();

        try (FrameGrant frame = producer.tryGrant(64)) {
            if (frame != null) {
                ByteBuffer b = frame.buffer();
                b.putLong(System.nanoTime()).putShort((short) 7).putFloat(21.5f);
                frame.commit(b.position());
            }
        }
        assertTrue(producer.tryWrite(message, 0, message.length));

        int n = consumer.drain(frame -> handled.add(Bytes.remaining(frame)), 64);

        assertEquals(2, n);
        assertEquals(14, handled.get(0).length);
        assertEquals(21.5f, ByteBuffer.wrap(handled.get(0)).getFloat(10));
        assertArrayEquals(message, handled.get(1));
    }

    /** jSerialComm's {@code SerialPort.readBytes(byte[], long, long)}, as the README calls it. */
    private static final class FakePort {
        private final byte[] incoming;
        private int at;

        FakePort(byte[] incoming) {
            this.incoming = incoming;
        }

        int readBytes(byte[] buffer, long bytesToRead, long offset) {
            int n = (int) Math.min(bytesToRead, incoming.length - at);
            System.arraycopy(incoming, at, buffer, (int) offset, n);
            at += n;
            return n;
        }
    }

    @Test
    void reusableGrantExample() {
        byte[] input = Bytes.sequence(3, 700);
        FakePort port = new FakePort(input);
        BBQueue queue = BBQueue.allocate(4096);
        Producer producer = queue.producer();

        ReusableWriteGrant grant = new ReusableWriteGrant();
        for (int i = 0; i < 2; i++) {
            if (producer.tryGrantMax(512, grant)) {
                int n = port.readBytes(grant.array(), grant.length(), grant.arrayOffset());
                grant.commit(Math.max(n, 0));
            }
        }
        assertArrayEquals(input, Bytes.readAll(queue.consumer()));
    }

    @Test
    void waitingAndClosingExample() throws Exception {
        BBQueue queue = BBQueue.allocate(1024);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = queue.frameConsumer();
        int sensorId = 7;
        float value = 1.5f;
        byte[] sample = Bytes.sequence(0, 12);
        List<Integer> lengths = new ArrayList<>();

        try (FrameGrant frame = producer.grant(64, 10, TimeUnit.MILLISECONDS)) {
            if (frame != null) {
                ByteBuffer b = frame.buffer();
                frame.commit(b.putInt(sensorId).putFloat(value).position());
            }
        }
        producer.writeOrDrop(sample, 0, sample.length);
        producer.close();

        Frame frame;
        while ((frame = consumer.read()) != null) {
            lengths.add(frame.buffer().remaining());
            frame.release();
        }
        assertEquals(List.of(8, 12), lengths);
        assertTrue(queue.stats().toString().contains("dropped=0 frames"));
        assertTrue(consumer.isClosed());
    }
}
