package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

import static dev.bbq.BlockingCallsTest.async;
import static dev.bbq.BlockingCallsTest.awaitBlocked;
import static dev.bbq.Bytes.sequence;
import static dev.bbq.Bytes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stream and channel adapters: whole-contract behaviour and 10^8-byte round trips. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StreamsAndChannelsTest {
    private static final long TOTAL = 100_000_000L;
    private static final long GENEROUS_MS = 60_000;

    /** Fills {@code chunk} with the stream's bytes from {@code offset} and returns their CRC input. */
    private static void pattern(byte[] chunk, int n, long offset) {
        for (int i = 0; i < n; i++) {
            chunk[i] = TwoThreadTransferTest.expected(offset + i);
        }
    }

    private static long patternCrc(long total) {
        CRC32 crc = new CRC32();
        byte[] chunk = new byte[65536];
        for (long off = 0; off < total; off += chunk.length) {
            int n = (int) Math.min(chunk.length, total - off);
            pattern(chunk, n, off);
            crc.update(chunk, 0, n);
        }
        return crc.getValue();
    }

    @Test
    void tenToTheEightBytesThroughAnOutputStreamAndAnInputStream() throws Exception {
        BBQueue queue = BBQueue.allocateDirect(64 * 1024);
        OutputStream out = queue.producer().asOutputStream();
        InputStream in = queue.consumer().asInputStream();
        Future<Long> writer = async(() -> {
            byte[] chunk = new byte[5000];
            long off = 0;
            while (off < TOTAL) {
                int n = (int) Math.min(1 + (off % chunk.length), TOTAL - off); // varying sizes
                pattern(chunk, n, off);
                out.write(chunk, 0, n);
                off += n;
            }
            out.close();
            return off;
        });
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[7000];
        long received = 0;
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) != -1) {
            crc.update(buffer, 0, n);
            received += n;
        }
        assertEquals(TOTAL, (long) writer.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
        assertEquals(TOTAL, received);
        assertEquals(patternCrc(TOTAL), crc.getValue());
        assertEquals(-1, in.read(), "-1 again after the end");
    }

    @Test
    void tenToTheEightBytesFromAPipeThroughTheQueueIntoAFileChannel(@TempDir Path dir) throws Exception {
        Pipe pipe = Pipe.open();
        BBQueue queue = BBQueue.allocateDirect(256 * 1024);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        Future<Long> feeder = async(() -> {
            try (Pipe.SinkChannel sink = pipe.sink()) {
                byte[] chunk = new byte[65536];
                ByteBuffer buffer = ByteBuffer.wrap(chunk);
                for (long off = 0; off < TOTAL; off += chunk.length) {
                    int n = (int) Math.min(chunk.length, TOTAL - off);
                    pattern(chunk, n, off);
                    buffer.clear().limit(n);
                    while (buffer.hasRemaining()) {
                        sink.write(buffer);
                    }
                }
            }
            return TOTAL;
        });
        Future<Long> pump = async(() -> {
            long moved = 0;
            try (Pipe.SourceChannel source = pipe.source()) {
                int n;
                while ((n = producer.readFrom(source)) != -1) {
                    moved += n;
                }
            }
            producer.close();
            return moved;
        });
        Path file = dir.resolve("out.bin");
        long written = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            int n;
            while ((n = consumer.writeTo(channel)) != -1) {
                written += n;
            }
        }
        assertEquals(TOTAL, (long) feeder.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
        assertEquals(TOTAL, (long) pump.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
        assertEquals(TOTAL, written);
        assertEquals(patternCrc(TOTAL), fileCrc(file));
    }

    @Test
    void tenToTheEightBytesFromAFileChannelThroughTheQueueIntoAPipe(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("in.bin");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            byte[] chunk = new byte[1 << 20];
            for (long off = 0; off < TOTAL; off += chunk.length) {
                int n = (int) Math.min(chunk.length, TOTAL - off);
                pattern(chunk, n, off);
                ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, n);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        }
        Pipe pipe = Pipe.open();
        BBQueue queue = BBQueue.allocate(100_000); // heap ring, odd size
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        Future<Long> reader = async(() -> {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long moved = 0;
                int n;
                while ((n = producer.readFrom(channel)) != -1) {
                    moved += n;
                }
                producer.close();
                return moved;
            }
        });
        Future<Long> writer = async(() -> {
            long moved = 0;
            try (Pipe.SinkChannel sink = pipe.sink()) {
                int n;
                while ((n = consumer.writeTo(sink)) != -1) {
                    moved += n;
                }
            }
            return moved;
        });
        CRC32 crc = new CRC32();
        long received = 0;
        try (Pipe.SourceChannel source = pipe.source()) {
            ByteBuffer buffer = ByteBuffer.allocate(65536);
            int n;
            while ((n = source.read(buffer.clear())) != -1) {
                crc.update(buffer.array(), 0, n);
                received += n;
            }
        }
        assertEquals(TOTAL, (long) reader.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
        assertEquals(TOTAL, (long) writer.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
        assertEquals(TOTAL, received);
        assertEquals(patternCrc(TOTAL), crc.getValue());
    }

    private static long fileCrc(Path file) throws IOException {
        CRC32 crc = new CRC32();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
            while (channel.read(buffer.clear()) != -1) {
                buffer.flip();
                crc.update(buffer);
            }
        }
        return crc.getValue();
    }

    @Test
    void theInputStreamKeepsTheWholeContract() throws Exception {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        InputStream in = queue.consumer().asInputStream();
        assertEquals(0, in.available());
        write(producer, sequence(1, 10));
        assertEquals(10, in.available());
        assertEquals(1, in.read());
        byte[] b = new byte[20];
        assertEquals(0, in.read(b, 5, 0), "a zero-length read returns 0 at once");
        assertThrows(IndexOutOfBoundsException.class, () -> in.read(b, 15, 10));
        assertThrows(NullPointerException.class, () -> in.read(null, 0, 1));
        assertEquals(3, in.read(b, 0, 3));
        assertArrayEquals(sequence(2, 3), java.util.Arrays.copyOf(b, 3));
        assertEquals(2, in.skip(2));
        assertEquals(4, in.read(b, 0, 20), "a read returns what is there without waiting for more");
        assertArrayEquals(sequence(7, 4), java.util.Arrays.copyOf(b, 4));
        producer.close();
        assertEquals(-1, in.read(), "-1 only once the producer closed and everything was read");
        assertEquals(-1, in.read(b, 0, 20));
        assertEquals(0, in.available());
        in.close();
        assertThrows(IOException.class, in::read);
    }

    @Test
    void anInputStreamReadsBytesThatWrapInOneCall() throws Exception {
        BBQueue queue = BBQueue.allocate(10);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        RawQueueTest.moveTo(producer, consumer, 6);
        write(producer, sequence(1, 3)); // [6, 9)
        write(producer, sequence(4, 4)); // [0, 4)
        InputStream in = consumer.asInputStream();
        assertEquals(7, in.available());
        byte[] b = new byte[10];
        assertEquals(7, in.read(b));
        assertArrayEquals(sequence(1, 7), java.util.Arrays.copyOf(b, 7));
    }

    @Test
    void anOutputStreamFailsOnceTheConsumerHasClosed() throws Exception {
        BBQueue queue = BBQueue.allocate(16);
        OutputStream out = queue.producer().asOutputStream();
        out.write(new byte[4]);
        out.flush();
        queue.consumer().close();
        IOException e = assertThrows(IOException.class, () -> out.write(1));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IOException.class, out::flush);
    }

    @Test
    void aReadBlockedInAStreamIsInterruptible() throws Exception {
        InputStream in = BBQueue.allocate(16).consumer().asInputStream();
        AtomicReference<Thread> reader = new AtomicReference<>();
        Future<Integer> read = async(() -> {
            reader.set(Thread.currentThread());
            return in.read();
        });
        while (reader.get() == null) {
            Thread.onSpinWait();
        }
        awaitBlocked(reader.get());
        reader.get().interrupt();
        ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(GENEROUS_MS, TimeUnit.MILLISECONDS));
        assertTrue(e.getCause() instanceof InterruptedIOException, e.getCause().toString());
    }

    @Test
    void writeToReleasesOnlyWhatTheChannelTook() throws Exception {
        BBQueue queue = BBQueue.allocate(32);
        Producer producer = queue.producer();
        Consumer consumer = queue.consumer();
        write(producer, sequence(1, 10));
        java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
        java.nio.channels.WritableByteChannel stingy = new java.nio.channels.WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) {
                int n = Math.min(3, src.remaining());
                for (int i = 0; i < n; i++) {
                    sink.write(src.get());
                }
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        assertEquals(3, consumer.writeTo(stingy));
        assertEquals(3, consumer.writeTo(stingy));
        assertEquals(4, queue.stats().bytesInUse());
        assertArrayEquals(sequence(1, 6), sink.toByteArray());
    }
}
