package dev.bbq;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default queue directory: $XDG_RUNTIME_DIR when it is this user's alone, else a private
 * bbq-&lt;user&gt; directory in shared memory, made rwx------ or refused if someone else could write it.
 */
class DefaultQueueDirectoryTest {
    @TempDir
    Path dir;

    /** Stands in for /dev/shm: world-writable and sticky. */
    private Path shm;

    @BeforeEach
    void sharedMemory() throws IOException {
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!posix) {
            System.out.println("DefaultQueueDirectoryTest: no POSIX file attributes here, skipped");
        }
        Assumptions.assumeTrue(posix, "no POSIX file attributes");
        shm = Files.createDirectory(dir.resolve("shm"));
        Files.setPosixFilePermissions(shm, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private Path privateDirectory(String name) throws IOException {
        return Files.createDirectory(dir.resolve(name),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @Test
    void aPrivateXdgRuntimeDirIsUsed() throws IOException {
        Path runtime = privateDirectory("run-user");
        Path chosen = QueueFileSafety.defaultQueueDirectory(Map.of("XDG_RUNTIME_DIR", runtime.toString()), "alice", shm);
        System.out.println("DefaultQueueDirectoryTest: XDG_RUNTIME_DIR=" + runtime + " -> " + chosen);
        assertEquals(runtime, chosen);
        try (Stream<Path> made = Files.list(shm)) {
            assertEquals(0, made.count(), "nothing made in shared memory");
        }
    }

    @Test
    void withoutXdgRuntimeDirAPrivateDirectoryIsMadeInSharedMemory() throws IOException {
        Path chosen = QueueFileSafety.defaultQueueDirectory(Collections.emptyMap(), "alice", shm);
        System.out.println("DefaultQueueDirectoryTest: no XDG_RUNTIME_DIR -> " + chosen + " " + mode(chosen));
        assertEquals(shm.resolve("bbq-alice"), chosen);
        assertEquals("rwx------", mode(chosen));
        assertEquals(chosen, QueueFileSafety.defaultQueueDirectory(Collections.emptyMap(), "alice", shm),
                "the second call finds the same directory and accepts it");
        Path odd = QueueFileSafety.defaultQueueDirectory(Collections.emptyMap(), "../evil name", shm);
        assertEquals(shm.resolve("bbq-.._evil_name"), odd, "a user name cannot leave the directory");
        // A queue file in it works as usual.
        BBQueue.createMapped(chosen.resolve("q.bbq"), 64);
        assertEquals(64, BBQueue.openMapped(chosen.resolve("q.bbq")).capacity());
    }

    @Test
    void anXdgRuntimeDirOthersMayWriteOrThatIsMissingIsPassedOver() throws IOException {
        Path runtime = privateDirectory("run-shared");
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxrwx---"));
        for (String value : new String[] {runtime.toString(), dir.resolve("gone").toString(), "relative/dir", ""}) {
            Path chosen = QueueFileSafety.defaultQueueDirectory(Map.of("XDG_RUNTIME_DIR", value), "bob", shm);
            System.out.println("DefaultQueueDirectoryTest: XDG_RUNTIME_DIR='" + value + "' -> " + chosen);
            assertEquals(shm.resolve("bbq-bob"), chosen);
        }
    }

    @Test
    void anExistingSharedMemoryDirectoryOthersMayWriteIsRefused() throws IOException {
        for (String bad : new String[] {"rwxrwxrwx", "rwxrwx---", "rwx----w-"}) {
            Path existing = shm.resolve("bbq-carol");
            Files.createDirectory(existing);
            Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString(bad));
            UntrustedQueueFileException e = assertThrows(UntrustedQueueFileException.class,
                    () -> QueueFileSafety.defaultQueueDirectory(Collections.emptyMap(), "carol", shm));
            System.out.println("DefaultQueueDirectoryTest: " + bad + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(existing.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("may be written by its group or others"), e.getMessage());
            assertEquals(bad, mode(existing), "left as it was");
            Files.delete(existing);
        }
    }

    @Test
    void anExistingSharedMemoryEntryThatIsALinkOrAFileOrAnotherUsersIsRefused() throws IOException {
        Path target = privateDirectory("elsewhere");
        Path link = Files.createSymbolicLink(shm.resolve("bbq-dave"), target);
        UntrustedQueueFileException e = assertThrows(UntrustedQueueFileException.class,
                () -> QueueFileSafety.defaultQueueDirectory(Collections.emptyMap(), "dave", shm));
        System.out.println("DefaultQueueDirectoryTest: link: " + e.getMessage());
        assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
        Files.delete(link);
        Files.createFile(shm.resolve("bbq-dave"));
        e = assertThrows(UntrustedQueueFileException.class,
                () -> QueueFileSafety.defaultQueueDirectory(Collections.emptyMap(), "dave", shm));
        System.out.println("DefaultQueueDirectoryTest: file: " + e.getMessage());
        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
        if (!"root".equals(System.getProperty("user.name"))) {
            System.out.println("DefaultQueueDirectoryTest: not root, another user's directory not tried");
            return;
        }
        Path foreign = Files.createDirectory(shm.resolve("bbq-erin"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setOwner(foreign, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        e = assertThrows(UntrustedQueueFileException.class,
                () -> QueueFileSafety.defaultQueueDirectory(Collections.emptyMap(), "erin", shm));
        System.out.println("DefaultQueueDirectoryTest: nobody's: " + e.getMessage());
        assertTrue(e.getMessage().contains("is owned by another user"), e.getMessage());
    }

    @Test
    void withNeitherDirectoryTheFailureSaysWhy() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> QueueFileSafety.defaultQueueDirectory(Collections.emptyMap(), "frank", dir.resolve("no-shm")));
        System.out.println("DefaultQueueDirectoryTest: " + e.getMessage());
        assertTrue(e.getMessage().contains("XDG_RUNTIME_DIR is not set"), e.getMessage());
    }

    @Test
    void thePublicMethodGivesAnExistingPrivateDirectory() throws IOException {
        Path chosen;
        try {
            chosen = BBQueue.defaultQueueDirectory();
        } catch (NoSuchFileException e) {
            System.out.println("DefaultQueueDirectoryTest: this machine has neither: " + e.getMessage());
            Assumptions.assumeTrue(false, e.getMessage());
            return;
        }
        System.out.println("DefaultQueueDirectoryTest: on this machine: " + chosen + " " + mode(chosen));
        assertTrue(Files.isDirectory(chosen));
        String mode = mode(chosen);
        assertTrue(mode.charAt(4) != 'w' && mode.charAt(7) != 'w', "nobody else may write it: " + mode);
    }
}
