package dev.bbq;

import java.nio.file.Path;

/**
 * Options for a queue shared through a memory-mapped file, given to
 * {@link BBQueue#createMapped(Path, int, MappedOption...)} and
 * {@link BBQueue#openMapped(Path, MappedOption...)}. Without options a queue file belongs to its
 * owner alone: it is created {@code rw-------}, and a file that another user owns, or that its
 * group or others may write, is refused.
 */
public enum MappedOption {
    /**
     * The queue is shared with the members of the file's group, for a producer and a consumer that
     * run as two users of one group (for example a driver service and a logging service).
     * {@code createMapped} creates the file {@code rw-rw----} (whatever the umask), and
     * {@code openMapped} accepts a file that its group may write, owned by this user or by another
     * user: every member of the group is trusted. A file that others (neither its owner nor its
     * group) may write is still refused, as are symbolic links and anything but a regular file.
     * The new file's group is the one the system gives new files in its directory: the creating
     * process's group, or the directory's own if the directory has the set-group-ID bit.
     */
    SHARED_WITH_GROUP
}
