package dev.bbq.mqtt;

import dev.bbq.BBQueue;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A forwarder's process for {@link ForwarderKillTest}: attaches to a queue file as its consumer and
 * forwards its frames to a broker until the test kills it with SIGKILL (no close, no shutdown hook).
 * Arguments: the queue file, the broker's URI, the topic, and optionally a batch's most frames and bytes.
 */
final class ForwarderChild {
    private ForwarderChild() {
    }

    public static void main(String[] args) throws Exception {
        BBQueue queue = BBQueue.openMapped(Path.of(args[0]));
        MqttForwarder.Builder builder = MqttForwarder.builder(queue.frameConsumer(), args[1])
                .clientId("bbq-test-child-" + ProcessHandle.current().pid()).topic(args[2])
                .connectTimeout(2, TimeUnit.SECONDS).ackTimeout(2, TimeUnit.SECONDS)
                .backoff(50, 500, TimeUnit.MILLISECONDS);
        if (args.length > 3) {
            builder.batch(Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        }
        MqttForwarder forwarder = builder.build();
        forwarder.start();
        System.out.println("forwarding");
        while (true) {
            Thread.sleep(100);
            Throwable failure = forwarder.failure();
            if (failure != null) {
                failure.printStackTrace(System.out);
                System.exit(1);
            }
        }
    }
}
