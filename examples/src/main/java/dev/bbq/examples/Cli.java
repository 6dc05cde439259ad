package dev.bbq.examples;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.ParameterException;

/**
 * What every example's command line shares: exit statuses, value converters for sizes and
 * durations, and the rule that a bad option is one line on stderr, never a stack trace.
 */
public final class Cli {
    /** Exit status: everything worked (and, for the telemetry demo, every frame is accounted for). */
    public static final int OK = 0;
    /** Exit status: the run failed (an unusable device or file, an I/O error). */
    public static final int FAILED = 1;
    /** Exit status: the command line was wrong. */
    public static final int USAGE = 2;
    /** Exit status: the run completed but frames were lost, duplicated or corrupted. */
    public static final int INTEGRITY = 3;

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]i?b?|b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?",
            Pattern.CASE_INSENSITIVE);

    private Cli() {
    }

    /**
     * An error the user can act on, printed as one line (no stack trace) with the given exit status.
     */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        /**
         * @param message the one line to print
         * @param status the exit status
         */
        public Failure(String message, int status) {
            super(message, null, false, false);
            this.status = status;
        }

        /** @return the exit status */
        public int status() {
            return status;
        }
    }

    /**
     * A usage error for an option whose value parsed but is out of range.
     *
     * @param spec the command, for picocli's error handling
     * @param message what is wrong
     * @return the exception to throw
     */
    public static ParameterException badValue(CommandLine.Model.CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /**
     * Configures a command line: one-line errors, exit statuses, and {@link Failure}s and unexpected
     * exceptions reported as one line.
     *
     * @param cl the command line, with its subcommands added
     * @param out standard output
     * @param err standard error
     * @return {@code cl}
     */
    public static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err) {
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExitCodeExceptionMapper(e -> e instanceof Failure ? ((Failure) e).status() : FAILED);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            ex.getCommandLine().getErr().println(c.getCommandName() + ": " + oneLine(ex.getMessage())
                    + " (see " + qualifiedName(c) + " --help)");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            c.getErr().println(c.getCommandName() + ": " + oneLineMessage(ex));
            return ex instanceof Failure ? ((Failure) ex).status() : FAILED;
        });
        return cl;
    }

    private static String qualifiedName(CommandLine c) {
        return c.getParent() == null ? c.getCommandName() : qualifiedName(c.getParent()) + " " + c.getCommandName();
    }

    /**
     * @param e an exception that ended a command
     * @return one line for the user: the message of a {@link Failure} or an I/O error, else the
     *         exception's kind and message
     */
    public static String oneLineMessage(Throwable e) {
        if ((e instanceof Failure || e instanceof java.io.IOException) && e.getMessage() != null) {
            return oneLine(e.getMessage());
        }
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName();
        return oneLine(m == null ? kind : kind + ": " + m);
    }

    static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ').trim();
    }

    /**
     * Stops the command with a clear message when the JVM cannot load Pi4J 3 (Java 21 class files).
     *
     * @param what what needs Pi4J, for the message (for example {@code --spi})
     */
    public static void requirePi4jRuntime(String what) {
        requirePi4jRuntime(what, Runtime.version().feature());
    }

    static void requirePi4jRuntime(String what, int feature) {
        if (feature < 21) {
            throw new Failure(what + " needs Java 21 or newer (Pi4J 3); this is Java " + feature, FAILED);
        }
    }

    /** Parses sizes: {@code 65536}, {@code 64KiB}, {@code 64k}, {@code 1MiB}, {@code 2m}; binary units. */
    public static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return parseSize(value);
        }
    }

    /**
     * @param value a size such as {@code 4096}, {@code 64KiB} or {@code 16m}
     * @return bytes
     * @throws IllegalArgumentException if it is not a size
     */
    public static long parseSize(String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a size (examples: 65536, 64KiB, 16MiB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        int shift = unit.startsWith("k") ? 10 : unit.startsWith("m") ? 20 : unit.startsWith("g") ? 30 : 0;
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + value + "' is too large");
        }
        return n << shift;
    }

    /** Parses durations: {@code 10} (seconds), {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1.5s}. */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parseDuration(value);
        }
    }

    /**
     * @param value a duration such as {@code 10}, {@code 10s}, {@code 250ms} or {@code 2m}; a bare number is seconds
     * @return the duration
     * @throws IllegalArgumentException if it is not a duration
     */
    public static Duration parseDuration(String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a duration (examples: 10, 10s, 500ms, 2m)");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        double nanos = n * (unit.equals("ms") ? 1e6 : unit.equals("s") ? 1e9 : unit.equals("m") ? 60e9 : 3600e9);
        if (nanos > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("'" + value + "' is too long");
        }
        return Duration.ofNanos((long) nanos);
    }

    /**
     * @param bytes a byte count
     * @return it in binary units, for example {@code 64 KiB} or {@code 1.5 MiB}
     */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return trim(bytes / 1024.0) + " KiB";
        }
        if (bytes < 1024L * 1024 * 1024) {
            return trim(bytes / (1024.0 * 1024)) + " MiB";
        }
        return trim(bytes / (1024.0 * 1024 * 1024)) + " GiB";
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /**
     * @param nanos a latency in nanoseconds
     * @return it in microseconds below 10 ms, else in ms
     */
    public static String micros(long nanos) {
        if (nanos < 10_000_000L) {
            return String.format(Locale.ROOT, "%,d us", nanos / 1000);
        }
        return String.format(Locale.ROOT, "%,.1f ms", nanos / 1e6);
    }
}
