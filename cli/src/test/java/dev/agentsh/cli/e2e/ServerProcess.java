package dev.agentsh.cli.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code agentsh server} in a child JVM, listening on a free loopback port, with its own data
 * directory, policies directory and workspace under one temporary directory.
 *
 * <pre>
 * root/
 *   config.yaml   written by {@link #start}; {@code extraConfig} is appended verbatim
 *   data/         data_dir: events.db, audit.jsonl
 *   policies/     policies.dir: write test policies here before sessions use them
 *   workspace/    a workspace for sessions
 *   server-N.log  the server's stdout and stderr, one file per start
 * </pre>
 */
final class ServerProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path root;
    private final String extraConfig;
    private final Map<String, String> extraEnv;
    private final List<ProcessHandle> orphans = new ArrayList<>();
    private Process process;
    private int port;
    private int starts;

    private ServerProcess(Path root, String extraConfig, Map<String, String> extraEnv) {
        this.root = root;
        this.extraConfig = extraConfig;
        this.extraEnv = extraEnv;
    }

    /** Starts a server under {@code root} (created if needed) and waits until {@code GET /health} answers. */
    static ServerProcess start(Path root, String extraConfig, Map<String, String> extraEnv) throws IOException {
        Files.createDirectories(root.resolve("data"));
        Files.createDirectories(root.resolve("policies"));
        Files.createDirectories(root.resolve("workspace"));
        ServerProcess server = new ServerProcess(root, extraConfig, Map.copyOf(extraEnv));
        server.launch();
        return server;
    }

    static ServerProcess start(Path root) throws IOException {
        return start(root, "", Map.of());
    }

    Path root() {
        return root;
    }

    Path dataDir() {
        return root.resolve("data");
    }

    Path policiesDir() {
        return root.resolve("policies");
    }

    Path workspace() {
        return root.resolve("workspace");
    }

    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    Process process() {
        return process;
    }

    /** Writes {@code policies/NAME.yaml}. */
    void writePolicy(String name, String yaml) throws IOException {
        Files.writeString(policiesDir().resolve(name + ".yaml"), yaml);
    }

    /** What the server printed since its last start. */
    String log() {
        try {
            return Files.readString(logFile());
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * {@code kill -9}: the server gets no chance to flush or clean up. The commands it was running live
     * on (each is in its own session); they are remembered and killed by {@link #close}.
     */
    void killHard() throws InterruptedException {
        orphans.addAll(process.descendants().toList());
        process.toHandle().destroyForcibly();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            fail("server pid " + process.pid() + " survived SIGKILL");
        }
    }

    /** Starts the server again on the same data directory (on a fresh port: the old one may linger in TIME_WAIT). */
    void restart() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("server is still running");
        }
        launch();
    }

    /** SIGTERM (the server's shutdown hook closes the event log), SIGKILL if it does not stop; then the orphans. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            orphans.addAll(process.descendants().toList());
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        }
        for (ProcessHandle orphan : orphans) {
            orphan.destroyForcibly();
        }
    }

    private Path logFile() {
        return root.resolve("server-" + starts + ".log");
    }

    private void launch() throws IOException {
        IOException lastBindFailure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            port = freePort();
            starts++;
            Path config = root.resolve("config.yaml");
            Files.writeString(config, config());
            List<String> command = new ArrayList<>(Java.command());
            command.addAll(List.of("dev.agentsh.cli.Main", "server", "--config", config.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Java.scrub(builder.environment());
            builder.environment().putAll(extraEnv);
            process = builder.start();
            if (awaitHealthy()) {
                return;
            }
            String log = log();
            if (!log.contains("cannot listen")) {
                fail("server did not become healthy within " + READY_TIMEOUT.toSeconds() + " s (exit "
                        + (process.isAlive() ? "none, still running" : process.exitValue()) + "); log:\n" + log);
            }
            // Someone took the port between freePort() and the bind: try another.
            lastBindFailure = new IOException(log);
        }
        throw lastBindFailure;
    }

    private String config() {
        return """
                data_dir: "%s"
                server:
                  http:
                    addr: 127.0.0.1:%d
                  unix_socket:
                    enabled: false
                policies:
                  dir: "%s"
                """.formatted(dataDir(), port, policiesDir()) + extraConfig;
    }

    /** Polls {@code /health}; false if the process exits or the time runs out (the process is then stopped). */
    private boolean awaitHealthy() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(url() + "/health")).timeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (http) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    return false;
                }
                try {
                    if (http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                        return true;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        return false;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
