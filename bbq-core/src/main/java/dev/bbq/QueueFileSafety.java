package dev.bbq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What makes a queue file safe to map, apart from its contents (which {@link QueueFile#validate}
 * checks): that every page of it exists, and that it belongs to whom the caller trusts.
 *
 * <p><b>Space.</b> A mapped page with no backing store (a sparse file on a full tmpfs or disk)
 * raises SIGBUS on first touch, which the JVM reports as an {@link InternalError} in whatever
 * method touched it, or as a crash. So a new queue file is never sparse: before anything is created,
 * the file store must report the space as usable ({@link #checkSpace}), and before the file is
 * published (READY) every byte of it is written with zeros through the channel
 * ({@link #reserve}); a full file system is then an {@link IOException} at creation, and the file
 * is removed ({@link #removeAfterFailure}). {@code setLength}, or writing the last byte alone, would
 * leave holes. A file truncated by someone else while it is mapped can still fault: that is
 * detected on the slow paths (QueueFile's liveness checks), not prevented.
 *
 * <p><b>Trust.</b> Another local user can create a path in a world-writable directory
 * ({@code /dev/shm}, {@code /tmp}) before a process opens it: a symbolic link to a file of the
 * victim's, or a file of the attacker's whose contents the attacker keeps changing. So
 * {@link #checkTrusted} refuses, without following links, anything but a regular file owned by this
 * user and writable by nobody else; {@link MappedOption#SHARED_WITH_GROUP} admits the file's group
 * (and its members as owners). Others' write permission is never accepted. The check reads the
 * path's attributes before the file is opened; the window between the two is safe in a sticky
 * directory such as {@code /dev/shm} (nobody else can remove or rename this user's file there) and
 * in a private one, which are the places a queue file belongs (see {@link #defaultQueueDirectory}).
 * On a file system without POSIX attributes (FAT, NTFS through Windows ACLs) owner and mode are not
 * checked: there is no owner/mode pair to read, and the directory's own access control is what
 * protects the file there.
 */
final class QueueFileSafety {
    /** The largest capacity of a mapped queue: one {@code FileChannel.map} holds at most 2^31 - 1 bytes. */
    static final int MAX_MAPPED_CAPACITY = Integer.MAX_VALUE - QueueFile.DATA_OFFSET;

    /** The zero-fill writes through one buffer of this size. */
    private static final int FILL_CHUNK = 64 * 1024;

    /** Block size assumed when comparing a file's length with free space (the page size, tmpfs's block). */
    private static final long BLOCK = 4096;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_AND_GROUP = PosixFilePermissions.fromString("rw-rw----");
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    /**
     * Tests only: when 0 or more, reported as the file store's usable space instead of what it
     * says, so that the space check passes and the zero-fill meets a full file system.
     */
    static volatile long usableSpaceForTests = -1;

    private QueueFileSafety() {
    }

    // --------------------------------------------------------------------------------------------
    // Space

    /**
     * Refuses a capacity whose file one mapping cannot hold, before anything is created.
     *
     * @throws IllegalArgumentException if {@code 4096 + capacity} exceeds {@code Integer.MAX_VALUE}
     */
    static void checkMappable(int capacity) {
        if ((long) QueueFile.DATA_OFFSET + capacity > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("capacity " + capacity + ": a queue file holds " + QueueFile.DATA_OFFSET
                    + " header bytes and the ring, and one mapping holds at most " + Integer.MAX_VALUE
                    + " bytes, so a mapped queue's capacity is at most " + MAX_MAPPED_CAPACITY);
        }
    }

    /**
     * Refuses to create a file of {@code size} bytes at {@code path} when its file store reports less
     * usable space, naming both numbers and the directory.
     */
    static void checkSpace(Path path, long size) throws IOException {
        Path dir = directoryOf(path);
        long needed = (size + BLOCK - 1) / BLOCK * BLOCK;
        long usable = usableSpaceForTests >= 0 ? usableSpaceForTests : Files.getFileStore(dir).getUsableSpace();
        if (usable < needed) {
            throw new IOException("not enough space for queue file " + path + ": it needs " + needed
                    + " bytes (4096 + capacity, in whole pages) and " + dir + " has " + usable
                    + " bytes free; choose a smaller capacity or a roomier file system (a tmpfs such as /dev/shm "
                    + "is sized at mount time)");
        }
    }

    /**
     * Writes zeros over the whole length of a new file through its channel, so that no page of the
     * mapping is a hole; a full file system shows up here as an {@link IOException}, not later as
     * SIGBUS in the middle of a commit.
     */
    static void reserve(Path path, FileChannel channel, long size) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(FILL_CHUNK, size));
        long position = 0;
        try {
            while (position < size) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - position));
                while (zeros.hasRemaining()) {
                    position += channel.write(zeros, position);
                }
            }
        } catch (IOException e) {
            throw new IOException("cannot reserve the " + size + " bytes of queue file " + path + ": writing failed after "
                    + position + " bytes (" + e.getMessage() + ")", e);
        }
    }

    /** The permissions a new queue file is created with. */
    static FileAttribute<?>[] creationMode(Path path, Set<MappedOption> options) {
        if (!isPosix(path)) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(modeFor(options))};
    }

    /**
     * Sets a new file's permissions exactly: the mode given at creation passes through the umask,
     * which would take the group's write bit from a {@link MappedOption#SHARED_WITH_GROUP} file.
     */
    static void applyCreationMode(Path path, Set<MappedOption> options) throws IOException {
        if (isPosix(path)) {
            Files.setPosixFilePermissions(path, modeFor(options));
        }
    }

    private static Set<PosixFilePermission> modeFor(Set<MappedOption> options) {
        return options.contains(MappedOption.SHARED_WITH_GROUP) ? OWNER_AND_GROUP : OWNER_ONLY;
    }

    /**
     * Removes a file this process created when creating the queue failed afterwards, so the path is
     * free for the next attempt; a failure to remove it is added to {@code failure}.
     */
    static void removeAfterFailure(Path path, Throwable failure) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    // --------------------------------------------------------------------------------------------
    // Trust

    /**
     * Refuses a path that is not a regular file this user may trust as a queue file: a symbolic
     * link (not followed), a directory or special file, a file owned by another user, or one its
     * group or others may write. {@link MappedOption#SHARED_WITH_GROUP} admits a group-writable
     * file, also one owned by another user if it is group-writable (the group is trusted).
     *
     * @throws UntrustedQueueFileException naming the path and the problem
     * @throws NoSuchFileException if nothing is there
     */
    static void checkTrusted(Path path, Set<MappedOption> options) throws IOException {
        BasicFileAttributes basic = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (basic.isSymbolicLink()) {
            throw new UntrustedQueueFileException(path, "it is a symbolic link, and queue files are opened without "
                    + "following links (in a shared directory another user could have planted it); open the file by "
                    + "its own path");
        }
        if (basic.isDirectory()) {
            throw new UntrustedQueueFileException(path, "it is a directory, not a queue file");
        }
        if (!basic.isRegularFile()) {
            throw new UntrustedQueueFileException(path, "it is not a regular file (a device, pipe or socket)");
        }
        if (!isPosix(path)) {
            return; // no owner and mode to check: see the class comment
        }
        PosixFileAttributes posix = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> mode = posix.permissions();
        String shown = " (mode " + PosixFilePermissions.toString(mode) + ", owner " + posix.owner().getName()
                + ", group " + posix.group().getName() + ")";
        if (mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new UntrustedQueueFileException(path, "users other than its owner and group may write it" + shown
                    + "; such a file is never accepted");
        }
        boolean shared = options.contains(MappedOption.SHARED_WITH_GROUP);
        boolean groupWrites = mode.contains(PosixFilePermission.GROUP_WRITE);
        if (groupWrites && !shared) {
            throw new UntrustedQueueFileException(path, "its group may write it" + shown + "; pass "
                    + "MappedOption.SHARED_WITH_GROUP if that group is meant to share the queue");
        }
        if (!isCurrentUser(path, posix.owner())) {
            if (!shared) {
                throw new UntrustedQueueFileException(path, "it is owned by another user" + shown
                        + ", not by this process's user (" + System.getProperty("user.name") + ")");
            }
            if (!groupWrites) {
                throw new UntrustedQueueFileException(path, "it is owned by another user" + shown
                        + " and not shared with its group (no group write permission)");
            }
        }
    }

    // --------------------------------------------------------------------------------------------
    // The default directory

    /**
     * The per-user directory for queue files: {@code $XDG_RUNTIME_DIR} when it is set to a directory
     * this user owns that nobody else may write, else {@code shm/bbq-<user>}, created
     * {@code rwx------} if missing and otherwise checked the same way.
     *
     * @param environment the environment ({@code System.getenv()})
     * @param user the user's name, for the fallback directory's name
     * @param shm the shared-memory file system ({@code /dev/shm})
     * @throws UntrustedQueueFileException if the fallback directory exists but cannot be trusted
     * @throws IOException if neither directory is available
     */
    static Path defaultQueueDirectory(Map<String, String> environment, String user, Path shm) throws IOException {
        String runtime = environment.get("XDG_RUNTIME_DIR");
        String runtimeProblem = "not set";
        if (runtime != null && !runtime.isEmpty()) {
            Path dir = Path.of(runtime);
            runtimeProblem = dir.isAbsolute() ? directoryProblem(dir) : "not an absolute path";
            if (runtimeProblem == null) {
                return dir;
            }
            runtimeProblem = runtime + ", which " + runtimeProblem;
        }
        if (!Files.isDirectory(shm)) {
            throw new NoSuchFileException(shm.toString(), null, "no per-user queue directory: XDG_RUNTIME_DIR is "
                    + runtimeProblem + " and this shared-memory directory does not exist; choose a directory of your "
                    + "own");
        }
        if (user == null || user.isEmpty()) {
            throw new IOException("no per-user queue directory: XDG_RUNTIME_DIR is " + runtimeProblem
                    + " and the user's name (user.name) is unknown");
        }
        Path dir = shm.resolve("bbq-" + user.replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            if (isPosix(shm)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            // someone made it already (this user, earlier): checked below like a new one
        }
        String problem = directoryProblem(dir);
        if (problem != null) {
            throw new UntrustedQueueFileException(dir, problem + "; a queue directory must be this user's alone");
        }
        return dir;
    }

    /** Why {@code dir} cannot be trusted as this user's queue directory, or null if it can. */
    private static String directoryProblem(Path dir) throws IOException {
        BasicFileAttributes basic;
        try {
            basic = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return "does not exist";
        }
        if (basic.isSymbolicLink()) {
            return "is a symbolic link";
        }
        if (!basic.isDirectory()) {
            return "is not a directory";
        }
        if (!isPosix(dir)) {
            return null; // no owner and mode to check: see the class comment
        }
        PosixFileAttributes posix = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String shown = " (mode " + PosixFilePermissions.toString(posix.permissions()) + ", owner "
                + posix.owner().getName() + ")";
        if (!isCurrentUser(dir, posix.owner())) {
            return "is owned by another user" + shown;
        }
        if (posix.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || posix.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            return "may be written by its group or others" + shown;
        }
        return null;
    }

    // --------------------------------------------------------------------------------------------

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static Path directoryOf(Path path) {
        Path parent = path.toAbsolutePath().getParent();
        return parent == null ? path.toAbsolutePath() : parent;
    }

    /**
     * Whether {@code owner} is this process's user: by name through the file system's lookup, or,
     * for a user the lookup does not know (a container's bare uid), by the effective uid in
     * {@code /proc/self/status}.
     */
    private static boolean isCurrentUser(Path path, UserPrincipal owner) throws IOException {
        String name = System.getProperty("user.name");
        try {
            return owner.equals(path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name));
        } catch (UserPrincipalNotFoundException e) {
            Path status = Path.of("/proc/self/status");
            if (!Files.isReadable(status)) {
                throw new UntrustedQueueFileException(path, "cannot tell whether it belongs to this process's user ("
                        + name + " is not a known user name)");
            }
            List<String> lines = Files.readAllLines(status);
            for (String line : lines) {
                if (line.startsWith("Uid:")) {
                    String euid = line.substring(4).trim().split("\\s+")[1];
                    Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                    return euid.equals(String.valueOf(uid));
                }
            }
            throw new UntrustedQueueFileException(path, "cannot tell whether it belongs to this process's user");
        }
    }
}
