package dev.agentsh.cli.e2e;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@code agentsh} CLI invocation in a child JVM, the way an agent runs it: environment
 * {@code AGENTSH_SERVER=<server>} and {@code AGENTSH_NO_AUTO=1}, stdin from /dev/null, stdout and
 * stderr captured.
 */
final class CliRun {
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the CLI printed and its exit code. */
    record Result(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + this, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + abbreviate(out) + "\n--- stderr ---\n" + abbreviate(err);
        }

        private static String abbreviate(String s) {
            return s.length() > 4000 ? s.substring(0, 4000) + "... (" + s.length() + " chars)" : s;
        }
    }

    /** A CLI process that is still running: {@link #await} collects its result; {@link #close} kills it if it still runs. */
    static final class Running implements AutoCloseable {
        private final Process process;
        private final CompletableFuture<String> out;
        private final CompletableFuture<String> err;

        private Running(Process process) {
            this.process = process;
            this.out = slurp(process.getInputStream());
            this.err = slurp(process.getErrorStream());
        }

        Process process() {
            return process;
        }

        Result await() {
            return await(DEFAULT_WAIT);
        }

        Result await(Duration wait) {
            try {
                if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor();
                    fail("agentsh did not finish within " + wait.toSeconds() + " s; it printed:\n" + new Result(-1, out.join(), err.join()));
                }
                return new Result(process.exitValue(), out.join(), err.join());
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }

        private static CompletableFuture<String> slurp(InputStream stream) {
            // A thread of its own: reading blocks until the process ends, and the common pool may have a
            // single thread (parallelism = cores - 1), which one long-running CLI would then hold hostage.
            return CompletableFuture.supplyAsync(() -> {
                try (stream) {
                    return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, task -> Thread.ofVirtual().start(task));
        }
    }

    private final String server;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path cwd;
    private Path stdin = Path.of("/dev/null");

    private CliRun(String server) {
        this.server = server;
    }

    /** The CLI pointed at {@code server}. */
    static CliRun against(ServerProcess server) {
        return new CliRun(server.url());
    }

    static CliRun against(String url) {
        return new CliRun(url);
    }

    /** Adds an environment variable for the child (e.g. AGENTSH_API_KEY). */
    CliRun env(String name, String value) {
        env.put(name, value);
        return this;
    }

    CliRun cwd(Path dir) {
        this.cwd = dir;
        return this;
    }

    /** The CLI's stdin is read from {@code file} (by default /dev/null). */
    CliRun stdinFrom(Path file) {
        this.stdin = file;
        return this;
    }

    /** Runs {@code agentsh ARGS...} to completion. */
    Result run(String... args) {
        return start(args).await();
    }

    /** Starts {@code agentsh ARGS...} and returns at once. */
    Running start(String... args) {
        List<String> command = new ArrayList<>(Java.command());
        command.add("dev.agentsh.cli.Main");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()));
        if (cwd != null) {
            builder.directory(cwd.toFile());
        }
        Java.scrub(builder.environment());
        builder.environment().put("AGENTSH_SERVER", server);
        builder.environment().put("AGENTSH_NO_AUTO", "1");
        builder.environment().putAll(env);
        try {
            return new Running(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
