package dev.bbq;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The child process of {@link QueueFileHalfRaceTest}, driven through stdin: {@code go N} opens the
 * queue file and tries to take its producer half, answering {@code WON N} (after writing one frame)
 * or {@code LOST N <message>}; {@code release N} closes the producer it took, if any, and answers
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
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.split(" ");
            String answer;
            if (words[0].equals("go")) {
                try {
                    producer = BBQueue.openMapped(file).frameProducer();
                    byte[] frame = line.getBytes(StandardCharsets.UTF_8);
                    answer = "WON " + words[1] + " " + (producer.tryWrite(frame, 0, frame.length) ? "wrote" : "refused");
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
