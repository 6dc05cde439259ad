package dev.bbq.metrics;

/**
 * A publication of statistics (an MBean, a set of meters or a flight recorder hook) that
 * {@link #close()} withdraws. Closing twice is harmless.
 */
public interface Registration extends AutoCloseable {

    /**
     * Withdraws the publication: unregisters the MBean, removes the meters or removes the flight
     * recorder hook. Does nothing if already closed.
     */
    @Override
    void close();
}
