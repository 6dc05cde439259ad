package dev.bbq.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One run of {@link Main} with its output captured: what a user would see. */
public final class Run {
    /** The exit status. */
    public final int status;
    /** What went to standard output. */
    public final String out;
    /** What went to standard error. */
    public final String err;

    private Run(int status, String out, String err) {
        this.status = status;
        this.out = out;
        this.err = err;
    }

    /**
     * @param args the command line after {@code java -jar bbq-examples.jar}
     * @return the run
     */
    public static Run of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(o, e, args);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** @return the lines of standard error */
    public String[] errLines() {
        return err.isEmpty() ? new String[0] : err.split("\n");
    }

    @Override
    public String toString() {
        return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
