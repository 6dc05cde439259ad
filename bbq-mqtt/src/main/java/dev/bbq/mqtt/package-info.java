/**
 * Store-and-forward from a bbq queue to an MQTT broker.
 *
 * <p>A driver thread writes frames into a framed queue with
 * {@link dev.bbq.FrameProducer#writeOrDrop(byte[], int, int)}, which never blocks: when the queue is
 * full the frame is dropped and counted ({@link dev.bbq.QueueStats#framesDropped()}). A
 * {@link dev.bbq.mqtt.MqttForwarder} reads the frames on its own thread and publishes each with QoS 1;
 * a frame leaves the queue only after the broker's PUBACK. While the broker is unreachable, the frames
 * wait in the queue, which is the store of store-and-forward; with a queue file
 * ({@link dev.bbq.BBQueue#createMapped}) they survive a restart of the forwarder too.
 *
 * <p>Delivery is at least once: a frame published and not yet acknowledged when the connection is
 * lost (or the forwarder stops) is published again, and counted
 * ({@link dev.bbq.mqtt.ForwarderStats#framesRedelivered()}); subscribers that must see each frame
 * once should carry a sequence number in the payload and drop repeats.
 */
package dev.bbq.mqtt;
