package dev.bbq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.bbq.Bytes.remaining;
import static dev.bbq.Bytes.sequence;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A queue in a memory-mapped file, shared by two queue objects, in one JVM or in two. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MappedQueueTest {
    @TempDir
    Path dir;

    @Test
    void aQueueFileCarriesFramesFromOneAttachmentToAnother() throws IOException {
        Path file = dir.resolve("q");
        BBQueue created = BBQueue.createMapped(file, 4096);
        assertEquals(4096 + 4096, Files.size(file));
        FrameProducer producer = created.frameProducer();
        BBQueue opened = BBQueue.openMapped(file);
        assertEquals(4096, opened.capacity());
        FrameConsumer consumer = opened.frameConsumer();
        for (int round = 0; round < 1000; round++) { // many laps: wraps, watermarks, the handshake
            byte[] frame = sequence(round, 1 + round % 200);
            assertTrue(producer.tryWrite(frame, 0, frame.length));
            Frame got = consumer.tryRead();
            assertArrayEquals(frame, remaining(got.buffer()));
            got.release();
        }
        producer.close();
        assertNull(consumer.tryRead());
        assertTrue(consumer.isClosed(), "the other attachment's close is seen");
    }

    @Test
    void aRawQueueFileWorksAndTheModeIsFixedByTheFirstHalfTaken() throws IOException {
        Path file = dir.resolve("raw");
        BBQueue created = BBQueue.createMapped(file, 100);
        Producer producer = created.producer();
        BBQueue opened = BBQueue.openMapped(file);
        IllegalStateException e = assertThrows(IllegalStateException.class, opened::frameConsumer);
        assertTrue(e.getMessage().contains("raw"), e.getMessage());
        Consumer consumer = opened.consumer();
        Bytes.write(producer, sequence(5, 60));
        assertArrayEquals(sequence(5, 60), Bytes.readAll(consumer));
    }

    @Test
    void eachHalfCanBeTakenOnceWhileItsProcessLives() throws IOException {
        Path file = dir.resolve("q");
        BBQueue.createMapped(file, 64).frameProducer();
        BBQueue other = BBQueue.openMapped(file);
        IllegalStateException e = assertThrows(IllegalStateException.class, other::frameProducer);
        assertTrue(e.getMessage().contains("already held in this process"), e.getMessage());
        // The half is free again once its holder closes it.
        BBQueue third = BBQueue.openMapped(file);
        IllegalStateException again = assertThrows(IllegalStateException.class, third::frameProducer);
        assertTrue(again.getMessage().contains("already held in this process"), again.getMessage());
    }

    @Test
    void aClosedHalfIsFreeForTheNextAttachment() throws IOException {
        Path file = dir.resolve("q");
        BBQueue first = BBQueue.createMapped(file, 64);
        FrameProducer producer = first.frameProducer();
        assertTrue(producer.tryWrite(new byte[] {1}, 0, 1));
        producer.close();
        BBQueue second = BBQueue.openMapped(file);
        FrameProducer successor = second.frameProducer(); // takes the half, and reopens the stream
        assertTrue(successor.tryWrite(new byte[] {2}, 0, 1));
        FrameConsumer consumer = second.frameConsumer();
        assertEquals(1, consumer.tryRead().get(0));
        assertFalse(second.isProducerGone());
    }

    @Test
    void theCountersLiveInTheFileAndContinueAcrossRestarts() throws IOException {
        Path file = dir.resolve("q");
        BBQueue first = BBQueue.createMapped(file, 1024);
        FrameProducer producer = first.frameProducer();
        BBQueue reader = BBQueue.openMapped(file);
        FrameConsumer consumer = reader.frameConsumer();
        for (int i = 0; i < 10; i++) {
            assertTrue(producer.tryWrite(new byte[9], 0, 9));
        }
        for (int i = 0; i < 4; i++) {
            consumer.tryRead().release();
        }
        QueueFileStatus status = QueueFileStatus.read(file);
        assertEquals("framed", status.mode());
        assertTrue(status.isProducerHeld() && status.isConsumerHeld());
        assertEquals(ProcessHandle.current().pid(), status.producerPid());
        assertEquals(1, status.producerAttaches());
        assertEquals(10, status.stats().framesCommitted());
        assertEquals(4, status.stats().framesReleased());
        assertEquals(60, status.bytesInUse());
        assertEquals(60, status.stats().bytesInUse());
        assertEquals(status.stats().framesCommitted(), reader.stats().framesCommitted(),
                "a consumer process sees the producer's counts too");

        first.ring().file.release(true); // the producer's process dies
        QueueFileStatus afterDeath = QueueFileStatus.read(file);
        assertFalse(afterDeath.isProducerHeld());
        assertTrue(reader.isProducerGone());

        FrameProducer successor = BBQueue.openMapped(file).frameProducer();
        assertTrue(successor.tryWrite(new byte[9], 0, 9));
        QueueFileStatus afterRestart = QueueFileStatus.read(file);
        assertEquals(2, afterRestart.producerAttaches());
        assertEquals(11, afterRestart.stats().framesCommitted(), "the successor continues the count");
        assertFalse(reader.isProducerGone());
        System.out.println(afterRestart);
    }

    @Test
    void aFileTruncatedUnderARunningConsumerIsReportedNotAFault() throws Exception {
        Path file = dir.resolve("q");
        FrameProducer producer = BBQueue.createMapped(file, 64 * 1024).frameProducer();
        FrameConsumer consumer = BBQueue.openMapped(file).frameConsumer();
        assertTrue(producer.tryWrite(new byte[] {1, 2, 3}, 0, 3));
        consumer.tryRead().release();
        // Another process truncates the file to its first 8 KiB of ring (a channel of this JVM's
        // own would drop its locks when closed, so the truncation runs in a process of its own).
        Process truncate = new ProcessBuilder("truncate", "-s", Integer.toString(4096 + 8192), file.toString())
                .inheritIO().start();
        assertEquals(0, truncate.waitFor());
        IllegalStateException e = assertThrows(IllegalStateException.class, consumer::tryRead);
        assertTrue(e.getMessage().contains("was truncated to 12288 bytes while mapped"), e.getMessage());
        System.out.println("truncated under a consumer: " + e.getMessage());
    }

    @Test
    void aQueueFilesConsumerClosingDetachesItAndTheProducerGoesOn() throws IOException {
        Path file = dir.resolve("q");
        BBQueue queue = BBQueue.createMapped(file, 64);
        FrameProducer producer = queue.frameProducer();
        FrameConsumer consumer = BBQueue.openMapped(file).frameConsumer();
        assertTrue(producer.tryWrite(new byte[] {7}, 0, 1));
        consumer.close();
        assertTrue(queue.isConsumerGone(), "no consumer attached");
        assertFalse(producer.isClosed(), "a detached consumer does not stop the producer");
        while (producer.tryWrite(new byte[8], 0, 8)) {
            // fill the ring: the producer refuses, it does not throw
        }
        FrameConsumer next = BBQueue.openMapped(file).frameConsumer();
        assertFalse(queue.isConsumerGone());
        assertEquals(7, next.tryRead().get(0), "the next consumer starts where the last one released");
    }

    @Test
    void newFilesAreForTheirOwnerOnlyAndNeverOverwritten() throws IOException {
        Path file = dir.resolve("q");
        BBQueue.createMapped(file, 64);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        assertThrows(FileAlreadyExistsException.class, () -> BBQueue.createMapped(file, 64));
    }

    @Test
    void attachingWritesNothing() throws IOException {
        Path file = dir.resolve("q");
        FrameProducer producer = BBQueue.createMapped(file, 256).frameProducer();
        producer.tryWrite(sequence(1, 30), 0, 30);
        byte[] before = Files.readAllBytes(file);
        BBQueue.openMapped(file);
        BBQueue.openMapped(file);
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    /** Writes {@code value} over header field {@code offset} (native order) of a valid queue file. */
    private Path corrupt(String name, int offset, int value) throws IOException {
        Path file = dir.resolve(name);
        BBQueue.createMapped(file, 128);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value);
            channel.write(b, offset);
        }
        return file;
    }

    private Path corruptLong(String name, int offset, long value) throws IOException {
        Path file = dir.resolve(name);
        BBQueue.createMapped(file, 128);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, value), offset);
        }
        return file;
    }

    private void assertRejected(Path file, String expected) throws IOException {
        byte[] before = Files.readAllBytes(file);
        CorruptQueueFileException e = assertThrows(CorruptQueueFileException.class, () -> BBQueue.openMapped(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file), "a rejected file is left as it was");
    }

    @Test
    void foreignOrDamagedFilesAreRejectedWithAReasonAndLeftUntouched() throws IOException {
        assertRejected(corrupt("magic", QueueFile.OFF_MAGIC, 0x12345678), "not a bbq queue file");
        assertRejected(corrupt("version", QueueFile.OFF_VERSION, 7), "layout version is 7");
        assertRejected(corrupt("capacity", QueueFile.OFF_CAPACITY, -5), "capacity field is -5");
        assertRejected(corrupt("order", QueueFile.OFF_BYTE_ORDER, Integer.reverseBytes(QueueFile.BYTE_ORDER_MARK)),
                "other byte order");
        assertRejected(corrupt("offset", QueueFile.OFF_DATA_OFFSET, 64), "data offset is 64");
        assertRejected(corrupt("mode", QueueFile.OFF_MODE, 9), "mode field is 9");
        assertRejected(corrupt("ready", QueueFile.OFF_READY, 0), "not ready");
        assertRejected(corruptLong("pid", QueueFile.OFF_CONSUMER_PID, -3), "consumer pid field is -3");
        assertRejected(corrupt("commit start", ControlBlock.COMMIT_START, 1 << 20), "commit start is 1048576");
        assertRejected(corrupt("write", ControlBlock.WRITE, 1 << 30), "write index is 1073741824, outside its");
        assertRejected(corrupt("last", ControlBlock.LAST, -1), "watermark is -1");
        assertRejected(corrupt("read", ControlBlock.READ, 129), "read index is 129");
        assertRejected(corrupt("closed", ControlBlock.PRODUCER_CLOSED, 2), "closed flag is 2");
        assertRejected(corrupt("big", QueueFile.OFF_CAPACITY, 1 << 20), "truncated");
    }

    @Test
    void truncatedAndEmptyFilesAreRejected() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty"));
        assertRejected(empty, "shorter than a queue file's");
        Path cut = dir.resolve("cut");
        BBQueue.createMapped(cut, 1000);
        try (FileChannel channel = FileChannel.open(cut, StandardOpenOption.WRITE)) {
            channel.truncate(4096 + 999);
        }
        assertRejected(cut, "truncated");
        Path text = dir.resolve("text");
        Files.write(text, new byte[8192]);
        assertRejected(text, "not a bbq queue file");
    }

    // --------------------------------------------------------------------------------------------
    // Two processes

    private static Process child(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MappedQueueChild.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String readLine(Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        return out.readLine();
    }

    @Test
    void tenMillionFramesCrossFromOneJvmToAnotherIntact() throws Exception {
        Path file = dir.resolve("ipc");
        BBQueue queue = BBQueue.createMapped(file, 256 * 1024);
        FrameConsumer consumer = queue.frameConsumer();
        long frames = 10_000_000L;
        Process producer = child("produce", file.toString(), Long.toString(frames));
        assertEquals("READY", readLine(producer));
        assertEquals(frames, MappedQueueChild.consume(consumer, frames));
        assertTrue(producer.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, producer.exitValue());
        assertFalse(queue.isProducerGone(), "it closed; it did not vanish");
    }

    @Test
    void framesAlsoCrossTheOtherWay() throws Exception {
        Path file = dir.resolve("ipc2");
        BBQueue queue = BBQueue.createMapped(file, 64 * 1024);
        Process consumer = child("consume", file.toString(), "1000000");
        // let the child attach first, then produce from here
        MappedQueueChild.produce(queue, 1_000_000);
        assertEquals("OK 1000000", readLine(consumer));
        assertTrue(consumer.waitFor(1, TimeUnit.MINUTES));
    }

    @Test
    void aProducerKilledMidRunLosesOnlyWhatItHadNotCommitted() throws Exception {
        Path file = dir.resolve("kill");
        BBQueue queue = BBQueue.createMapped(file, 64 * 1024);
        FrameConsumer consumer = queue.frameConsumer();
        Process producer = child("produceForever", file.toString());
        assertEquals("READY", readLine(producer));
        long[] next = {0};
        while (next[0] < 200_000) { // read a while, so the kill lands mid-stream
            consumer.drain(frame -> MappedQueueChild.check(frame, next[0]++), 256, 1, TimeUnit.SECONDS);
        }
        producer.destroyForcibly(); // SIGKILL: no close, maybe mid-grant or mid-commit
        assertTrue(producer.waitFor(1, TimeUnit.MINUTES));
        // Everything committed before the kill is still delivered, in order and intact...
        while (consumer.drain(frame -> MappedQueueChild.check(frame, next[0]++), 256, 1, TimeUnit.SECONDS) > 0) {
            // until nothing more comes
        }
        assertTrue(next[0] > 200_000);
        // ...and then there is no producer, which is not the end of the stream.
        assertTrue(queue.isProducerGone(), "the producer's process is reported gone");
        assertNull(consumer.read(10, TimeUnit.MILLISECONDS));
        assertFalse(consumer.isClosed(), "a dead producer does not end the stream");
        // A new producer process takes the half over (repairing a commit the kill may have cut,
        // R12), and its frames follow; its close ends the stream.
        Process successor = child("produce", file.toString(), "1000");
        assertEquals("READY", readLine(successor));
        long[] second = {0};
        Frame frame;
        while ((frame = consumer.read(30, TimeUnit.SECONDS)) != null) {
            MappedQueueChild.check(frame.buffer(), second[0]++);
            frame.release();
        }
        assertEquals(1000, second[0]);
        assertTrue(consumer.isClosed(), "the successor's close ends the stream");
        assertTrue(successor.waitFor(1, TimeUnit.MINUTES));
        assertEquals(0, successor.exitValue());
    }
}
