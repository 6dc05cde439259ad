package dev.bbq;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Thrown by {@link BBQueue#openMapped(Path, MappedOption...)} when a path is not one this user can
 * trust as a queue file: a symbolic link, not a regular file, owned by another user, or writable by
 * its group or by others (the group only with {@link MappedOption#SHARED_WITH_GROUP}); and by
 * {@link BBQueue#defaultQueueDirectory()} for a directory it cannot trust in the same way. Another
 * local user can plant such a file in a shared directory such as {@code /dev/shm} and wait for a
 * process to attach to it. The message names the path and the problem; nothing is opened, changed
 * or removed.
 */
public final class UntrustedQueueFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception for a path that failed the trust checks.
     *
     * @param path the file or directory
     * @param reason what is wrong with it (its owner, its mode, its type)
     */
    public UntrustedQueueFileException(Path path, String reason) {
        super("refusing " + path + ": " + reason);
    }
}
