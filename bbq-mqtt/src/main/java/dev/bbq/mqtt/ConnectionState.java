package dev.bbq.mqtt;

/** The state of a {@link MqttForwarder}'s connection to its broker. */
public enum ConnectionState {
    /** Not started yet. */
    NEW,
    /** A connection attempt is under way. */
    CONNECTING,
    /** Connected: frames are published as they come. */
    CONNECTED,
    /** Not connected; waiting for the next attempt (bounded exponential backoff). */
    WAITING_TO_RECONNECT,
    /** Stopped by {@link MqttForwarder#close()}, or the queue's stream ended. */
    CLOSED
}
