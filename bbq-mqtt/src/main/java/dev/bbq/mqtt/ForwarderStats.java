package dev.bbq.mqtt;

/**
 * A snapshot of a {@link MqttForwarder}'s counters, taken by {@link MqttForwarder#stats()}. Each
 * counter is read on its own, so a snapshot taken while the forwarder runs need not be exactly
 * consistent across counters (for example, {@link #framesAcknowledged()} may already count a frame
 * that {@link #framesPublished()}, read earlier, does not).
 */
public final class ForwarderStats {
    private final long framesPublished;
    private final long framesAcknowledged;
    private final long framesRedelivered;
    private final long bytesAcknowledged;
    private final long framesTooLarge;
    private final long framesRejected;
    private final long connects;
    private final long reconnects;
    private final long connectFailures;
    private final ConnectionState state;
    private final long nanosSinceLastAck;
    private final String lastError;
    private final long messagesPublished;

    ForwarderStats(long framesPublished, long framesAcknowledged, long framesRedelivered, long bytesAcknowledged,
                   long framesTooLarge, long framesRejected, long connects, long reconnects, long connectFailures,
                   ConnectionState state, long nanosSinceLastAck, String lastError, long messagesPublished) {
        this.framesPublished = framesPublished;
        this.framesAcknowledged = framesAcknowledged;
        this.framesRedelivered = framesRedelivered;
        this.bytesAcknowledged = bytesAcknowledged;
        this.framesTooLarge = framesTooLarge;
        this.framesRejected = framesRejected;
        this.connects = connects;
        this.reconnects = reconnects;
        this.connectFailures = connectFailures;
        this.state = state;
        this.nanosSinceLastAck = nanosSinceLastAck;
        this.lastError = lastError;
        this.messagesPublished = messagesPublished;
    }

    /**
     * MQTT messages sent to the broker, repeats included: as many as {@link #framesPublished()}
     * without batching, fewer with it.
     *
     * @return how many messages were handed to the MQTT client for publishing
     */
    public long messagesPublished() {
        return messagesPublished;
    }

    /**
     * Publications sent to the broker, repeats included.
     *
     * @return how many frames were handed to the MQTT client for publishing
     */
    public long framesPublished() {
        return framesPublished;
    }

    /**
     * Frames the broker acknowledged (PUBACK), each released from the queue after its
     * acknowledgement.
     *
     * @return how many frames were acknowledged
     */
    public long framesAcknowledged() {
        return framesAcknowledged;
    }

    /**
     * Publications that repeat a frame already published without an acknowledgement (after a lost
     * connection or an acknowledgement that did not come in time). The broker's subscribers may see
     * these frames twice.
     *
     * @return how many publications were repeats
     */
    public long framesRedelivered() {
        return framesRedelivered;
    }

    /**
     * Payload bytes of the acknowledged frames.
     *
     * @return the sum of the acknowledged frames' lengths
     */
    public long bytesAcknowledged() {
        return bytesAcknowledged;
    }

    /**
     * Frames longer than {@link MqttForwarder.Builder#maxPayloadBytes(int)}: never published,
     * released from the queue and counted here.
     *
     * @return how many frames were too large to publish
     */
    public long framesTooLarge() {
        return framesTooLarge;
    }

    /**
     * Frames given up on because the broker closed the connection each time they were published
     * ({@link MqttForwarder.Builder#rejectAfterLosses(int)} times in a row), as a broker does with a
     * packet over its maximum packet size. Released from the queue and counted here; 0 unless that
     * option is set.
     *
     * @return how many frames the broker would not take
     */
    public long framesRejected() {
        return framesRejected;
    }

    /**
     * Successful connections, the first included.
     *
     * @return how many times the forwarder connected
     */
    public long connects() {
        return connects;
    }

    /**
     * Successful connections after the first, each following a lost connection or a failed attempt.
     *
     * @return how many times the forwarder reconnected
     */
    public long reconnects() {
        return reconnects;
    }

    /**
     * Connection attempts that failed: refused, timed out, or refused by the broker (bad credentials,
     * for instance); {@link #lastError()} says why the latest one failed.
     *
     * @return how many connection attempts failed
     */
    public long connectFailures() {
        return connectFailures;
    }

    /**
     * The connection's state when the snapshot was taken.
     *
     * @return the connection state
     */
    public ConnectionState state() {
        return state;
    }

    /**
     * The time since the broker last acknowledged a frame.
     *
     * @return nanoseconds since the last acknowledgement, or -1 if there has been none
     */
    public long nanosSinceLastAck() {
        return nanosSinceLastAck;
    }

    /**
     * The latest error: a failed connection attempt, a lost connection, or a publication that was
     * not acknowledged in time. It is kept after the forwarder recovers, for the record.
     *
     * @return a description of the latest error, or {@code null} if there has been none
     */
    public String lastError() {
        return lastError;
    }

    @Override
    public String toString() {
        return "ForwarderStats[" + state + ", published=" + framesPublished + " in " + messagesPublished
                + " messages, acknowledged=" + framesAcknowledged
                + " (" + bytesAcknowledged + " B), redelivered=" + framesRedelivered + ", tooLarge=" + framesTooLarge
                + ", rejected=" + framesRejected + ", connects=" + connects + ", reconnects=" + reconnects
                + ", connectFailures=" + connectFailures + ", sinceLastAck="
                + (nanosSinceLastAck < 0 ? "never" : nanosSinceLastAck / 1_000_000 + " ms")
                + (lastError == null ? "" : ", lastError=" + lastError) + "]";
    }
}
