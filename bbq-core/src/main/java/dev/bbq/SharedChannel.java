package dev.bbq;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * This JVM's one channel to a queue file. POSIX record locks belong to the process, and closing any
 * descriptor of a file drops every lock the process holds on it (the trap the JDK's
 * {@code FileLock} documentation warns of). So a queue file is opened once per JVM, found again by
 * its file key (device and inode) when it is opened again, and its channel is never closed while
 * the JVM runs: a queue file costs this JVM one descriptor for its lifetime, whatever the number of
 * attachments. A file replaced under the same path has another key, and gets a channel of its own.
 */
final class SharedChannel {
    private static final Map<Object, SharedChannel> OPEN = new HashMap<>();

    final FileChannel channel;

    private SharedChannel(FileChannel channel) {
        this.channel = channel;
    }

    /** Records the channel of a file this JVM has just created. */
    static SharedChannel register(Path path, FileChannel channel) throws IOException {
        Object key = key(path);
        synchronized (OPEN) {
            SharedChannel shared = new SharedChannel(channel);
            if (key != null) {
                OPEN.put(key, shared);
            }
            return shared;
        }
    }

    /**
     * This JVM's channel to the file at {@code path}, opened (read and write) if this JVM has none.
     * The file key comes from the path before the file is opened: opening first and closing a
     * duplicate afterwards would drop the locks of the channel already open.
     */
    static SharedChannel open(Path path) throws IOException {
        Object key = key(path);
        synchronized (OPEN) {
            SharedChannel shared = live(key);
            if (shared == null) {
                shared = new SharedChannel(FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS));
                if (key != null) {
                    OPEN.put(key, shared);
                }
            }
            return shared;
        }
    }

    /** This JVM's channel to the file at {@code path}, or null if it has none (nothing is opened). */
    static SharedChannel existing(Path path) throws IOException {
        Object key = key(path);
        synchronized (OPEN) {
            return live(key);
        }
    }

    /** The open channel recorded under {@code key}, or null; the caller holds {@code OPEN}'s monitor. */
    private static SharedChannel live(Object key) {
        SharedChannel shared = key == null ? null : OPEN.get(key);
        return shared != null && shared.channel.isOpen() ? shared : null;
    }

    /** Forgets and closes the channel of a file whose creation failed (no lock was ever taken on it). */
    static void discard(Path path, SharedChannel shared) {
        synchronized (OPEN) {
            OPEN.values().remove(shared);
        }
        try {
            shared.channel.close();
        } catch (IOException ignored) {
            // the creation's own failure is the one to report
        }
    }

    private static Object key(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
