package dev.bbq.examples.telemetry;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The telemetry log: one line per valid record, as JSON Lines or CSV, rotated by size. The current
 * file is {@code telemetry.jsonl} (or {@code .csv}); when it reaches the size limit it becomes
 * {@code telemetry.1.jsonl}, the previous {@code .1} becomes {@code .2}, and so on, keeping at most
 * {@code keep} rotated files (the oldest is deleted), like logrotate.
 *
 * <p>A new log removes the files of a previous run with the same names (and only those). Written by
 * the consumer thread alone; lines are ASCII, so characters count as bytes.
 *
 * <p>Hand-written rather than a logging framework: a data log with a fixed line format and a size
 * rotation is some sixty lines, and a framework would add configuration files and a dependency
 * for no gain.
 */
final class TelemetryLog implements Closeable {
    /** The line format. */
    enum Format {
        JSONL("jsonl"), CSV("csv");

        final String extension;

        Format(String extension) {
            this.extension = extension;
        }
    }

    static final String BASE = "telemetry";
    private static final String CSV_HEADER = "arrival_epoch_us,sensor,kind,seq,device_time_ns,latency_us,readings\n";

    private final Path dir;
    private final Format format;
    private final long maxBytes;
    private final int keep;
    private final StringBuilder line = new StringBuilder(256);
    private BufferedWriter out;
    private long bytesInFile;
    private long bytesTotal;
    private long rotations;

    TelemetryLog(Path dir, Format format, long maxBytes, int keep) throws IOException {
        this.dir = dir;
        this.format = format;
        this.maxBytes = maxBytes;
        this.keep = keep;
        Files.createDirectories(dir);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, BASE + "*." + format.extension)) {
            for (Path p : old) {
                if (p.getFileName().toString().matches(BASE + "(\\.\\d+)?\\." + format.extension)) {
                    Files.delete(p);
                }
            }
        }
        open();
    }

    /** @return the current file */
    Path current() {
        return file(0);
    }

    /** @return the file with rotation index {@code i}, 0 being the current one */
    Path file(int i) {
        return dir.resolve(i == 0 ? BASE + "." + format.extension : BASE + "." + i + "." + format.extension);
    }

    /** @return the files that exist now, current one first */
    int files() {
        int n = 0;
        for (int i = 0; i <= keep; i++) {
            if (Files.exists(file(i))) {
                n++;
            }
        }
        return n;
    }

    /** @return bytes written over the whole run, rotated and deleted files included */
    long bytesWritten() {
        return bytesTotal;
    }

    /** @return times the log rotated */
    long rotations() {
        return rotations;
    }

    /** Logs one record. */
    void write(long arrivalEpochMicros, TelemetryRecord.Reader r, SensorKind kind, long latencyNanos)
            throws IOException {
        StringBuilder b = line;
        b.setLength(0);
        if (format == Format.JSONL) {
            appendJson(b, arrivalEpochMicros, r, kind, latencyNanos);
            b.append('\n');
        } else {
            b.append(arrivalEpochMicros).append(',').append(r.sensor).append(',').append(kind.label()).append(',')
                    .append(Integer.toUnsignedLong(r.seq)).append(',').append(r.timestamp).append(',');
            appendMicros(b, latencyNanos);
            b.append(',');
            for (int i = 0; i < r.readings; i++) {
                if (i > 0) {
                    b.append(';');
                }
                appendReading(b, r.reading(i));
            }
            b.append('\n');
        }
        if (bytesInFile > 0 && bytesInFile + b.length() > maxBytes) {
            rotate();
        }
        out.append(b);
        bytesInFile += b.length();
        bytesTotal += b.length();
    }

    /**
     * Appends a record as one JSON object, the JSON Lines format's line without its newline (also the
     * MQTT message of {@code telemetry --mqtt}). ASCII only.
     */
    static void appendJson(StringBuilder b, long arrivalEpochMicros, TelemetryRecord.Reader r, SensorKind kind,
                           long latencyNanos) {
        b.append("{\"arrival_epoch_us\":").append(arrivalEpochMicros)
                .append(",\"sensor\":").append(r.sensor)
                .append(",\"kind\":\"").append(kind.label())
                .append("\",\"seq\":").append(Integer.toUnsignedLong(r.seq))
                .append(",\"device_time_ns\":").append(r.timestamp)
                .append(",\"latency_us\":");
        appendMicros(b, latencyNanos);
        b.append(",\"unit\":\"").append(kind.unit()).append("\",\"readings\":[");
        for (int i = 0; i < r.readings; i++) {
            if (i > 0) {
                b.append(',');
            }
            appendReading(b, r.reading(i));
        }
        b.append("]}");
    }

    private static void appendMicros(StringBuilder b, long nanos) {
        b.append(nanos / 1000).append('.').append((char) ('0' + (nanos % 1000) / 100));
    }

    private static void appendReading(StringBuilder b, float v) {
        if (Float.isFinite(v)) {
            b.append(v);
        } else {
            b.append("null");
        }
    }

    private void open() throws IOException {
        out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(current()), StandardCharsets.US_ASCII),
                1 << 16);
        bytesInFile = 0;
        if (format == Format.CSV) {
            out.write(CSV_HEADER);
            bytesInFile = CSV_HEADER.length();
            bytesTotal += CSV_HEADER.length();
        }
    }

    private void rotate() throws IOException {
        out.close();
        Files.deleteIfExists(file(keep));
        for (int i = keep - 1; i >= 0; i--) {
            if (Files.exists(file(i))) {
                Files.move(file(i), file(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        rotations++;
        open();
    }

    /** Writes what is buffered to the current file. */
    void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%s, rotated at %d bytes, keeping %d)", current(), format, maxBytes, keep);
    }
}
