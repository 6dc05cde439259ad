package dev.bbq.serial;

/**
 * The few calls the pumps make on a serial port, so that their logic can be tested against a
 * scripted fake as well as through real pseudo-terminals. Always an array, an offset and a length.
 */
interface SerialLink {
    /**
     * Reads up to {@code len} bytes, waiting at most the read timeout for the first one.
     *
     * @return the bytes read, 0 if the timeout passed with none, or negative if the port failed
     */
    int read(byte[] b, int off, int len);

    /**
     * Writes up to {@code len} bytes, blocking until the kernel has taken at least one.
     *
     * @return the bytes written, or negative if the port failed
     */
    int write(byte[] b, int off, int len);

    /** @return the port's name, for messages */
    String name();

    /** @return a description of the last failure, for messages */
    String lastError();

    /** Closes the port; idempotent. */
    void close();
}
