package dev.bbq.mqtt;

import static dev.bbq.mqtt.MqttForwarderTest.frame;
import static dev.bbq.mqtt.MqttForwarderTest.seq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;
import dev.bbq.testing.mosquitto.Mosquitto;
import dev.bbq.testing.mosquitto.Subscriber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forwarder over a queue file, killed with SIGKILL in the middle of its work and started again in a
 * new process, several times: every frame reaches the subscriber in order, and a frame is repeated only
 * right where a forwarder died, at most once per death (the frame it had published and not yet seen
 * acknowledged: one is in flight at a time).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ForwarderKillTest {
    private static final String TOPIC = "bbq/kill";
    private static final int FRAMES = 30_000;
    private static final int KILLS = 5;

    @TempDir
    Path dir;

    private Process child;

    @AfterEach
    void killChild() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process startChild(Path file, String uri, int n) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                ForwarderChild.class.getName(), file.toString(), uri, TOPIC);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child-" + n + ".log").toFile()).start();
    }

    @Test
    void aForwarderKilledAndRestartedRepeatsOnlyTheFrameInFlightAndLosesNothing() throws Exception {
        Random random = new Random(20);
        try (Mosquitto broker = Mosquitto.start(dir, "allow_anonymous true", "persistence false");
             Subscriber subscriber = new Subscriber(broker.uri(), TOPIC)) {
            Path file = dir.resolve("telemetry.bbq");
            BBQueue queue = BBQueue.createMapped(file, 4 << 20);
            FrameProducer producer = queue.frameProducer();
            for (long seq = 0; seq < FRAMES; seq++) {
                byte[] b = frame(seq);
                assertTrue(producer.writeOrDrop(b, 0, b.length), "the file holds every frame");
            }

            for (int k = 0; k <= KILLS; k++) {
                int before = subscriber.messages().size();
                child = startChild(file, broker.uri(), k);
                if (k == KILLS) {
                    break; // the last one forwards the rest
                }
                // Kill it once it has forwarded a random share of what is left: in the middle of a
                // publication or while waiting for its acknowledgement, most likely.
                int progress = 200 + random.nextInt(2_000);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (subscriber.messages().size() < before + progress) {
                    if (!child.isAlive() || System.nanoTime() > deadline) {
                        fail("forwarder " + k + " made no progress: " + Files.readString(dir.resolve("child-" + k + ".log")));
                    }
                    Thread.sleep(1);
                }
                child.destroyForcibly(); // SIGKILL: no close, the frame in flight stays unreleased
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the forwarder died");
            }
            List<byte[]> received = subscriber.awaitLast(p -> seq(p) == FRAMES - 1, 60_000);

            long highest = -1;
            int repeats = 0;
            List<Long> repeated = new ArrayList<>();
            for (byte[] payload : received) {
                long seq = seq(payload);
                assertArrayEquals(frame(seq), payload, "frame " + seq + " intact");
                if (seq <= highest) {
                    assertEquals(highest, seq, "only the frame in flight at a death is repeated, never an older one");
                    repeats++;
                    repeated.add(seq);
                    continue;
                }
                assertEquals(highest + 1, seq, "frames in order, none lost");
                highest = seq;
            }
            assertEquals(FRAMES - 1, highest, "every frame arrived");
            assertTrue(repeats <= KILLS, "at most one repeat per death: " + repeats + " " + repeated);
            System.out.printf("ForwarderKillTest: %d kills, %d frames repeated (%s), %d received%n", KILLS, repeats,
                    repeated, received.size());

            // The successor's consumer position is in the file: once the last forwarder acknowledged the
            // last frame, the queue is empty.
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            child = null;
            BBQueue view = BBQueue.openMapped(file);
            FrameConsumer consumer = view.frameConsumer();
            assertNull(consumer.tryRead(), "every frame released, each after its acknowledgement");
            consumer.close();
            producer.close();
        }
    }
}
