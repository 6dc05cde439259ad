package dev.bbq;

/**
 * Thrown when a side uses a queue after it, or the other side, was closed: a producer's grant after
 * the consumer closed (nobody will read), or any call on a side that closed itself. A driver thread
 * catches it to stop.
 */
public final class QueueClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception a closed side's call throws.
     *
     * @param message what was closed
     */
    public QueueClosedException(String message) {
        super(message);
    }
}
