/**
 * MQTT forwarding for bbq: {@link dev.bbq.mqtt.MqttForwarder} takes frames from a framed queue and
 * publishes them to an MQTT broker with QoS 1, releasing each frame only once the broker acknowledged
 * it. Built on Eclipse Paho's MQTT v3 client (an automatic module, named after its jar).
 */
@SuppressWarnings("requires-automatic")
module dev.bbq.mqtt {
    requires transitive dev.bbq.core;
    requires org.eclipse.paho.client.mqttv3;

    exports dev.bbq.mqtt;
}
