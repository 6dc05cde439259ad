package dev.bbq;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static dev.bbq.Bytes.readAll;
import static dev.bbq.Bytes.sequence;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A queue file never has holes: its space is checked and every page written before it is
 * published, so a full file system is an {@link IOException} at creation and not SIGBUS inside a
 * commit later. The tiny file systems are real tmpfs mounts (1 MiB), made when running as root and
 * skipped otherwise.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class QueueFileSpaceTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    /** A 1 MiB tmpfs mounted on a directory under {@link #dir}; unmounted by {@link #close()}. */
    private final class TinyTmpfs implements AutoCloseable {
        final Path mount;

        TinyTmpfs() throws IOException, InterruptedException {
            mount = Files.createDirectory(dir.resolve("tmpfs"));
            String notRoot = "not running as root (user " + System.getProperty("user.name")
                    + "): cannot mount a tiny tmpfs, skipped";
            if (!"root".equals(System.getProperty("user.name"))) {
                System.out.println("QueueFileSpaceTest: " + notRoot);
            }
            Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), notRoot);
            String failed = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString());
            if (failed != null) {
                System.out.println("QueueFileSpaceTest: cannot mount a tmpfs (" + failed + "), skipped");
            }
            Assumptions.assumeTrue(failed == null, () -> "cannot mount a tmpfs: " + failed);
        }

        long free() throws IOException {
            return Files.getFileStore(mount).getUsableSpace();
        }

        /**
         * Unmounts it. The test's mappings keep the file system busy until they are collected, so
         * this asks for a collection and retries, and detaches it lazily as a last resort.
         */
        @Override
        public void close() throws IOException, InterruptedException {
            String failed = run("umount", mount.toString());
            for (int attempt = 0; failed != null && attempt < 10; attempt++) {
                System.gc();
                Thread.sleep(50);
                failed = run("umount", mount.toString());
            }
            if (failed != null) {
                System.out.println("QueueFileSpaceTest: " + failed + "; detaching it lazily");
                failed = run("umount", "-l", mount.toString());
                if (failed != null) {
                    throw new IOException("could not unmount " + mount + ": " + failed);
                }
            }
        }
    }

    /** Runs a command; null if it succeeded, else its exit status and output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        int status = process.waitFor();
        return status == 0 ? null : String.join(" ", command) + " exited with " + status + ": " + output;
    }

    @Test
    void aQueueTooLargeForItsFileSystemIsRefusedWithTheNumbersAndLeavesNoFile() throws Exception {
        try (TinyTmpfs tmpfs = new TinyTmpfs()) {
            tooLarge(tmpfs); // the queues die with the call, so the tmpfs can be unmounted
        }
    }

    private void tooLarge(TinyTmpfs tmpfs) throws Exception {
        Path file = tmpfs.mount.resolve("big.bbq");
        long free = tmpfs.free();
        IOException e = assertThrows(IOException.class, () -> BBQueue.createMapped(file, 4 * MIB));
        System.out.println("QueueFileSpaceTest: 4 MiB queue on a 1 MiB tmpfs (" + free + " bytes free): "
                + e.getMessage());
        assertTrue(e.getMessage().contains("needs " + (4096 + 4 * MIB) + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains(free + " bytes free"), e.getMessage());
        assertTrue(e.getMessage().contains(tmpfs.mount.toString()), e.getMessage());
        assertFalse(Files.exists(file), "nothing is left at the path");
        assertEquals(free, tmpfs.free(), "no space is held");
        // The path is free for a queue that fits.
        BBQueue.createMapped(file, 64 * 1024);
        assertEquals(4096 + 64 * 1024, Files.size(file));
    }

    @Test
    void aQueueThatFitsIsReservedSoFillingTheFileSystemAfterwardsCannotFaultIt() throws Exception {
        try (TinyTmpfs tmpfs = new TinyTmpfs()) {
            fitsAndFills(tmpfs); // the queues die with the call, so the tmpfs can be unmounted
        }
    }

    private void fitsAndFills(TinyTmpfs tmpfs) throws Exception {
        Path file = tmpfs.mount.resolve("fits.bbq");
        int capacity = 256 * 1024;
        long before = tmpfs.free();
        BBQueue queue = BBQueue.createMapped(file, capacity);
        long after = tmpfs.free();
        assertTrue(before - after >= 4096 + capacity, "every page is allocated at creation: " + before + " -> "
                + after + " bytes free");
        // Another file eats every byte left. A sparse queue file would now have no pages to fault
        // in, and the producer's first touch of the ring would raise SIGBUS (InternalError).
        long hogged = fill(tmpfs.mount.resolve("hog"));
        System.out.println("QueueFileSpaceTest: " + capacity + "-byte queue took " + (before - after)
                + " bytes of " + before + "; a second file then took the remaining " + hogged + " bytes ("
                + tmpfs.free() + " free)");
        assertEquals(0, tmpfs.free());
        Producer producer = queue.producer();
        Consumer consumer = BBQueue.openMapped(file).consumer();
        for (int lap = 0; lap < 3; lap++) {
            WriteGrant grant = producer.tryGrantExact(capacity);
            if (grant == null) {
                assertNull(consumer.tryRead(), "drained: the read attempt lets the whole ring be granted");
                grant = producer.tryGrantExact(capacity);
            }
            assertNotNull(grant, "lap " + lap);
            grant.buffer().put(sequence(lap, capacity));
            grant.commit(capacity);
            assertArrayEquals(sequence(lap, capacity), readAll(consumer), "lap " + lap);
        }
        System.out.println("QueueFileSpaceTest: filled and read back the whole " + capacity
                + "-byte ring 3 times on a full tmpfs, no fault");
    }

    @Test
    void aFileSystemFillingUpDuringTheZeroFillFailsCleanly() throws Exception {
        try (TinyTmpfs tmpfs = new TinyTmpfs()) {
            fillFails(tmpfs); // the queues die with the call, so the tmpfs can be unmounted
        }
    }

    private void fillFails(TinyTmpfs tmpfs) throws Exception {
        Path file = tmpfs.mount.resolve("fill.bbq");
        long free = tmpfs.free();
        // The space check passes (the hook reports plenty), as it would if another process ate
        // the space between the check and the fill; the fill then meets ENOSPC.
        QueueFileSafety.usableSpaceForTests = Long.MAX_VALUE;
        IOException e;
        try {
            e = assertThrows(IOException.class, () -> BBQueue.createMapped(file, 4 * MIB));
        } finally {
            QueueFileSafety.usableSpaceForTests = -1;
        }
        System.out.println("QueueFileSpaceTest: ENOSPC during the zero-fill: " + e.getMessage());
        assertTrue(e.getMessage().contains("cannot reserve the " + (4096 + 4 * MIB) + " bytes of queue file "
                + file), e.getMessage());
        assertFalse(Files.exists(file), "the half-written file is removed");
        assertEquals(free, tmpfs.free(), "its pages are given back");
        BBQueue queue = BBQueue.createMapped(file, 4096);
        Bytes.write(queue.producer(), sequence(1, 4096));
        assertArrayEquals(sequence(1, 4096), readAll(queue.consumer()), "the JVM and the path are fine");
    }

    @Test
    void aCapacityBeyondOneMappingIsRefusedBeforeAnythingIsCreated() throws IOException {
        Path file = dir.resolve("max.bbq");
        for (int capacity : new int[] {BBQueue.MAX_CAPACITY, Integer.MAX_VALUE - 4095}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BBQueue.createMapped(file, capacity));
            System.out.println("QueueFileSpaceTest: createMapped(" + capacity + "): " + e.getMessage());
            assertTrue(e.getMessage().contains("at most " + (Integer.MAX_VALUE - 4096)), e.getMessage());
            assertFalse(Files.exists(file), "no file is created");
        }
        BBQueue queue = BBQueue.createMapped(file, 1024);
        assertEquals(1024, queue.capacity());
    }

    /** Writes to a new file until the file system is full; returns how much it took. */
    private static long fill(Path hog) throws IOException {
        long written = 0;
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        try (FileChannel channel = FileChannel.open(hog, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                chunk.clear();
                written += channel.write(chunk);
            }
        } catch (IOException full) {
            return written;
        }
    }
}
