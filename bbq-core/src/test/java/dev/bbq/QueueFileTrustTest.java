package dev.bbq;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * openMapped attaches only to a regular file of this user's that nobody else may write (its group
 * too with SHARED_WITH_GROUP): anything another local user could plant in a shared directory is
 * refused with the path and the reason, and left as it was.
 */
class QueueFileTrustTest {
    @TempDir
    Path dir;

    @BeforeEach
    void posixOnly() {
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!posix) {
            System.out.println("QueueFileTrustTest: no POSIX file attributes here, owner and mode checks skipped");
        }
        Assumptions.assumeTrue(posix, "no POSIX file attributes: owner and mode are not checked");
    }

    private Path queueFile(String name, String mode) throws IOException {
        Path file = dir.resolve(name);
        BBQueue.createMapped(file, 4096).frameProducer().tryWrite(new byte[] {1, 2, 3}, 0, 3);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static void assertRefused(Path path, String expected, MappedOption... options) throws IOException {
        boolean regular = Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
        byte[] before = regular ? Files.readAllBytes(path) : null;
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        UntrustedQueueFileException e = assertThrows(UntrustedQueueFileException.class,
                () -> BBQueue.openMapped(path, options));
        System.out.println("QueueFileTrustTest: refused " + (options.length == 0 ? "(no options)" : "(SHARED_WITH_GROUP)")
                + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        PosixFileAttributes after = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertEquals(attributes.permissions(), after.permissions(), "mode untouched");
        assertEquals(attributes.owner(), after.owner(), "owner untouched");
        if (regular) {
            assertArrayEquals(before, Files.readAllBytes(path), "contents untouched");
        }
    }

    @Test
    void aFileOthersMayWriteIsRefusedEvenWhenSharedWithTheGroup() throws IOException {
        Path world = queueFile("world", "rw-rw-rw-");
        assertRefused(world, "users other than its owner and group may write it");
        assertRefused(world, "never accepted", MappedOption.SHARED_WITH_GROUP);
        Path othersOnly = queueFile("others", "rw-----w-");
        assertRefused(othersOnly, "never accepted", MappedOption.SHARED_WITH_GROUP);
    }

    @Test
    void aGroupWritableFileNeedsTheSharedGroupOption() throws IOException {
        Path file = queueFile("group", "rw-rw----");
        assertRefused(file, "pass MappedOption.SHARED_WITH_GROUP if that group is meant to share the queue");
        BBQueue queue = BBQueue.openMapped(file, MappedOption.SHARED_WITH_GROUP);
        assertEquals(4096, queue.capacity());
        System.out.println("QueueFileTrustTest: rw-rw---- accepted with SHARED_WITH_GROUP");
    }

    @Test
    void createMappedSharedWithTheGroupMakesAGroupWritableFileWhateverTheUmask() throws IOException {
        Path file = dir.resolve("shared");
        BBQueue.createMapped(file, 64, MappedOption.SHARED_WITH_GROUP);
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertRefused(file, "its group may write it");
        assertEquals(64, BBQueue.openMapped(file, MappedOption.SHARED_WITH_GROUP).capacity());
        Path own = dir.resolve("own");
        BBQueue.createMapped(own, 64);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(own)));
        assertEquals(64, BBQueue.openMapped(own).capacity());
        assertEquals(64, BBQueue.openMapped(own, MappedOption.SHARED_WITH_GROUP).capacity());
    }

    @Test
    void aFileOwnedByAnotherUserIsRefusedUnlessItsGroupIsTrusted() throws IOException {
        String notRoot = "not running as root (user " + System.getProperty("user.name")
                + "): cannot give a file to another user, skipped";
        if (!"root".equals(System.getProperty("user.name"))) {
            System.out.println("QueueFileTrustTest: " + notRoot);
        }
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), notRoot);
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Path file = queueFile("foreign", "rw-------");
        Files.setOwner(file, nobody);
        assertRefused(file, "owned by another user");
        assertRefused(file, "not shared with its group", MappedOption.SHARED_WITH_GROUP);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
        assertRefused(file, "its group may write it");
        assertEquals(4096, BBQueue.openMapped(file, MappedOption.SHARED_WITH_GROUP).capacity());
        System.out.println("QueueFileTrustTest: nobody's rw-rw---- file accepted with SHARED_WITH_GROUP (the group "
                + "is trusted)");
    }

    @Test
    void aSymbolicLinkToAValidQueueFileIsRefused() throws IOException {
        Path target = queueFile("target", "rw-------");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertRefused(link, "it is a symbolic link");
        assertRefused(link, "it is a symbolic link", MappedOption.SHARED_WITH_GROUP);
        assertEquals(4096, BBQueue.openMapped(target).capacity(), "the file itself is fine");
    }

    @Test
    void aDirectoryIsRefused() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("directory"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertRefused(directory, "it is a directory");
    }

    @Test
    void aMissingFileIsStillNoSuchFile() {
        Path missing = dir.resolve("missing");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> BBQueue.openMapped(missing));
        System.out.println("QueueFileTrustTest: missing file: " + e);
    }

    @Test
    void aUserTheNameLookupDoesNotKnowIsRecognisedByUid() throws IOException {
        boolean proc = Files.isReadable(Path.of("/proc/self/status"));
        if (!proc) {
            System.out.println("QueueFileTrustTest: no /proc/self/status, uid fallback not tried");
        }
        Assumptions.assumeTrue(proc, "no /proc/self/status");
        Path file = queueFile("uid", "rw-------");
        String name = System.getProperty("user.name");
        System.setProperty("user.name", "no-such-user-bbq"); // as for a container's bare uid
        try {
            assertEquals(4096, BBQueue.openMapped(file).capacity(), "the owner is matched by effective uid");
            if ("root".equals(name)) {
                Files.setOwner(file, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
                assertRefused(file, "owned by another user");
            }
        } finally {
            System.setProperty("user.name", name);
        }
        System.out.println("QueueFileTrustTest: with an unknown user.name the owner check fell back to the uid");
    }
}
