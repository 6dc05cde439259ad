package dev.bbq;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Thrown by {@link BBQueue#openMapped(Path)} when a file is not a usable queue file: foreign,
 * truncated, of another layout version or byte order, not yet ready, or with an impossible field.
 * The message names the file and the first field that is wrong. The file is left untouched.
 */
public final class CorruptQueueFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception for a file that failed validation.
     *
     * @param file the file
     * @param reason what is wrong with it: the field and why
     */
    public CorruptQueueFileException(Path file, String reason) {
        this(String.valueOf(file), reason);
    }

    CorruptQueueFileException(String name, String reason) {
        super("cannot open " + name + " as a bbq queue: " + reason);
    }
}
