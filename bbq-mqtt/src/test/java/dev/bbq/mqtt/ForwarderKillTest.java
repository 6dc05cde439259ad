package dev.bbq.mqtt;

import static dev.bbq.mqtt.MqttForwarderTest.frame;
import static dev.bbq.mqtt.MqttForwarderTest.seq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * new process, several times: every frame reaches the subscriber in order, and frames are repeated only
 * right where a forwarder died, at most once per death: the frame it had published and not yet seen
 * acknowledged (one is in flight at a time), or with batching the frames of that one message.
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

    private Process startChild(Path file, String uri, int n, int batchFrames) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                ForwarderChild.class.getName(), file.toString(), uri, TOPIC));
        if (batchFrames > 1) {
            command.addAll(List.of(String.valueOf(batchFrames), "4096"));
        }
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child-" + n + ".log").toFile()).start();
    }

    @Test
    void aForwarderKilledAndRestartedRepeatsOnlyTheFrameInFlightAndLosesNothing() throws Exception {
        killAndRestart(1);
    }

    @Test
    void withBatchingOnlyTheBatchInFlightIsRepeated() throws Exception {
        killAndRestart(40);
    }

    /** Frames of the messages received, in order: each message one frame, or a batch of them. */
    private static List<byte[]> frames(List<byte[]> messages, int batchFrames) {
        if (batchFrames == 1) {
            return messages;
        }
        List<byte[]> frames = new ArrayList<>();
        for (byte[] m : messages) {
            frames.addAll(BatchPayloadTest.decode(m));
        }
        return frames;
    }

    /** The sequence number of a message's last frame. */
    private static long lastSeq(byte[] message, int batchFrames) {
        List<byte[]> frames = frames(List.of(message), batchFrames);
        return seq(frames.get(frames.size() - 1));
    }

    private void killAndRestart(int batchFrames) throws Exception {
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
                child = startChild(file, broker.uri(), k, batchFrames);
                if (k == KILLS) {
                    break; // the last one forwards the rest
                }
                // Kill it once it has forwarded a random share of what is left: in the middle of a
                // publication or while waiting for its acknowledgement, most likely.
                int progress = 200 + random.nextInt(2_000);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (subscriber.messages().size() * batchFrames < before * batchFrames + progress) {
                    if (!child.isAlive() || System.nanoTime() > deadline) {
                        fail("forwarder " + k + " made no progress: " + Files.readString(dir.resolve("child-" + k + ".log")));
                    }
                    Thread.sleep(1);
                }
                child.destroyForcibly(); // SIGKILL: no close, the frame in flight stays unreleased
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the forwarder died");
            }
            List<byte[]> received = frames(subscriber.awaitLast(p -> lastSeq(p, batchFrames) == FRAMES - 1, 60_000),
                    batchFrames);

            assertFalse(broker.log().contains("being dropped"), "the broker dropped messages for the subscriber, so "
                    + "a gap would not be the forwarder's:\n" + broker.log());
            long highest = -1;
            long replay = -1; // while frames are repeated: the next one the replay must bring
            int repeats = 0;
            List<Long> replays = new ArrayList<>();
            for (byte[] payload : received) {
                long seq = seq(payload);
                assertArrayEquals(frame(seq), payload, "frame " + seq + " intact");
                if (replay >= 0) {
                    assertEquals(replay, seq, "a replay brings the frames in flight again, in order, to the end");
                } else if (seq <= highest) {
                    assertTrue(highest - seq < batchFrames, "a replay goes back one message at most: frame " + seq
                            + " after " + highest);
                    replays.add(seq);
                } else {
                    assertEquals(highest + 1, seq, "frames in order, none lost");
                    highest = seq;
                    continue;
                }
                repeats++;
                replay = seq == highest ? -1 : seq + 1;
            }
            assertEquals(-1, replay, "no replay cut short");
            assertEquals(FRAMES - 1, highest, "every frame arrived");
            assertTrue(replays.size() <= KILLS, "at most one replay per death: " + replays);
            System.out.printf("ForwarderKillTest: batches of up to %d, %d kills, %d replays from %s, %d frames repeated,"
                    + " %d received%n", batchFrames, KILLS, replays.size(), replays, repeats, received.size());

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
