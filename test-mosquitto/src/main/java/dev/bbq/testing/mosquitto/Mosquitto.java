package dev.bbq.testing.mosquitto;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto broker of the test's own: {@code /usr/sbin/mosquitto -c <conf>}, listening on a free
 * port on 127.0.0.1 only, with the config, persistence file and log in the test's directory (no
 * system service). Requires the Debian package mosquitto; .ci/run installs it.
 */
public final class Mosquitto implements AutoCloseable {
    /** Debian's broker binary. */
    public static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    /** The test's directory: config, log, persistence. */
    public final Path dir;
    /** The loopback port the broker listens on. */
    public final int port;
    private final Path conf;
    private Process process;

    private Mosquitto(Path dir, int port, Path conf) {
        this.dir = dir;
        this.port = port;
        this.conf = conf;
    }

    /**
     * Writes a config (a loopback listener on a free port, {@code extra} lines appended) and starts
     * the broker.
     */
    public static Mosquitto start(Path dir, String... extra) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: these tests need a Mosquitto broker; install it"
                    + " with 'apt-get install mosquitto mosquitto-clients' (.ci/run does)");
        }
        int port = freePort();
        StringBuilder c = new StringBuilder()
                .append("listener ").append(port).append(" 127.0.0.1\n")
                // Started as root, Mosquitto would switch to the user 'mosquitto', who cannot read
                // the test's files; as another user this line changes nothing.
                .append("user ").append(System.getProperty("user.name")).append('\n')
                // A subscriber that falls behind (a loaded machine) must not lose messages: by default
                // Mosquitto queues at most 1,000 QoS 1 messages per client and drops the rest, logging
                // "Outgoing messages are being dropped" (seen as a gap of 231 frames in a kill test).
                .append("max_queued_messages 0\n")
                .append("log_dest stderr\n")
                .append("log_type error\nlog_type warning\nlog_type notice\nlog_type information\n");
        for (String line : extra) {
            c.append(line).append('\n');
        }
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, c);
        Mosquitto m = new Mosquitto(dir, port, conf);
        m.start();
        return m;
    }

    /** Password file made by mosquitto_passwd (in the mosquitto package), for password_file. */
    public static Path passwordFile(Path dir, String user, String password) throws IOException, InterruptedException {
        Path file = dir.resolve("passwd");
        Process p = new ProcessBuilder("/usr/bin/mosquitto_passwd", "-c", "-b", file.toString(), user, password)
                .redirectErrorStream(true).redirectOutput(dir.resolve("passwd.log").toFile()).start();
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("mosquitto_passwd failed: " + Files.readString(dir.resolve("passwd.log")));
        }
        return file;
    }

    /** @return {@code tcp://127.0.0.1:port} */
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** @return the broker's log so far (notices included: dropped messages, refused clients) */
    public String log() throws IOException {
        Path log = dir.resolve("mosquitto.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Starts the broker (again) on the same port and waits until the port accepts connections. */
    public void start() throws IOException, InterruptedException {
        Path log = dir.resolve("mosquitto.log");
        process = new ProcessBuilder(BINARY.toString(), "-c", conf.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IOException("mosquitto did not listen on 127.0.0.1:" + port + ": "
                            + Files.readString(log));
                }
                Thread.sleep(20);
            }
        }
    }

    /** Stops the broker (SIGTERM: it saves its persistence file, if configured, and exits). */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Process p = process;
            if (p != null) {
                p.destroyForcibly();
            }
            Thread.currentThread().interrupt();
        }
    }

    /** @return a loopback port nothing listens on right now */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
