package dev.bbq;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The child process of {@link QueueFileHalfRaceTest}, driven through stdin: {@code go N} opens the
 * queue file and tries to take its producer half, answering {@code WON N wrote} (after writing one
 * frame) or {@code LOST N <message>}; {@code go N consumer} does the same for the consumer half
 * (answering {@code WON N read} or {@code WON N empty} after reading one frame if there is one);
 * {@code release N} closes the half it took, if any, and answers
 * {@code RELEASED N}; {@code quit} ends it. It starts with {@code READY <pid>}.
 */
public final class HalfRaceChild {
    private HalfRaceChild() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Paths.get(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        FrameProducer producer = null;
        FrameConsumer consumer = null;
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.split(" ");
            String answer;
            if (words[0].equals("go")) {
                try {
                    if (words.length > 2 && words[2].equals("consumer")) {
                        consumer = BBQueue.openMapped(file).frameConsumer();
                        Frame frame = consumer.tryRead(); // a frame a winning producer wrote, if any is left
                        if (frame != null) {
                            frame.release();
                        }
                        answer = "WON " + words[1] + " " + (frame != null ? "read" : "empty");
                    } else {
                        producer = BBQueue.openMapped(file).frameProducer();
                        byte[] frame = line.getBytes(StandardCharsets.UTF_8);
                        boolean wrote = producer.tryWrite(frame, 0, frame.length);
                        answer = "WON " + words[1] + " " + (wrote ? "wrote" : "refused");
                    }
                } catch (IllegalStateException e) {
                    answer = "LOST " + words[1] + " " + e.getMessage();
                } catch (RuntimeException e) {
                    answer = "ERROR " + words[1] + " " + e;
                }
            } else if (words[0].equals("release")) {
                if (producer != null) {
                    producer.close();
                    producer = null;
                }
                if (consumer != null) {
                    consumer.close();
                    consumer = null;
                }
                answer = "RELEASED " + words[1];
            } else if (words[0].equals("quit")) {
                return;
            } else {
                answer = "ERROR unknown command " + line;
            }
            System.out.println(answer.replace('\n', ' '));
            System.out.flush();
        }
    }
}
