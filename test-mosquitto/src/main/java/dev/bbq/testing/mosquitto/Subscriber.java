package dev.bbq.testing.mosquitto;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A separate client that subscribes with QoS 1 and a persistent session (clean session off), so
 * that a broker with persistence keeps its subscription and queued messages over a restart.
 */
public final class Subscriber implements AutoCloseable {
    private final MqttClient client;
    private final String topic;
    private final List<byte[]> messages = new ArrayList<>();
    private final String user;
    private final String password;

    public Subscriber(String uri, String topic) throws MqttException {
        this(uri, topic, null, null, "bbq-test-subscriber");
    }

    public Subscriber(String uri, String topic, String clientId) throws MqttException {
        this(uri, topic, null, null, clientId);
    }

    public Subscriber(String uri, String topic, String user, String password) throws MqttException {
        this(uri, topic, user, password, "bbq-test-subscriber");
    }

    public Subscriber(String uri, String topic, String user, String password, String clientId) throws MqttException {
        this.topic = topic;
        this.user = user;
        this.password = password;
        client = new MqttClient(uri, clientId, new MemoryPersistence());
        client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                // the test reconnects
            }

            @Override
            public void messageArrived(String t, org.eclipse.paho.client.mqttv3.MqttMessage message) {
                synchronized (messages) {
                    messages.add(message.getPayload());
                }
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        connect();
    }

    public void connect() throws MqttException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false);
        o.setConnectionTimeout(5);
        o.setMaxInflight(1000);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.toCharArray());
        }
        client.connect(o);
        client.subscribe(topic, 1);
    }

    public List<byte[]> messages() {
        synchronized (messages) {
            return new ArrayList<>(messages);
        }
    }

    /** Waits until {@code n} messages have arrived, or the time runs out. */
    public List<byte[]> await(int n, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (messages().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return messages();
    }

    /** Waits until the latest message is one that {@code isLast} accepts, or the time runs out. */
    public List<byte[]> awaitLast(Predicate<byte[]> isLast, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            List<byte[]> got = messages();
            if (!got.isEmpty() && isLast.test(got.get(got.size() - 1))) {
                break;
            }
            Thread.sleep(10);
        }
        return messages();
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 200);
            }
            client.close(true);
        } catch (MqttException e) {
            // the test is over
        }
    }
}
