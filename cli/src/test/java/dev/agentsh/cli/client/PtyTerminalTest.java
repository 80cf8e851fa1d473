package dev.agentsh.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CLI on a real terminal: util-linux script(1) gives a child JVM a pseudo-terminal, as a person's
 * shell would. Raw mode shows in what reaches the server (keys without a newline, at once) and what
 * does not reach the screen (no local echo); the terminal's settings must be the same afterwards.
 */
@Timeout(60)
class PtyTerminalTest {
    private static final Path SCRIPT = Path.of("/usr/bin/script");

    @Test
    void aTerminalIsRawWhileTheCommandRunsAndRestoredAfterwards() throws Exception {
        assumeTrue(Files.isExecutable(SCRIPT), "needs util-linux script(1) at /usr/bin/script to give the CLI a terminal");
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<JsonNode> start = new AtomicReference<>();
        try (RawServer server = RawServer.tcp(exchange -> {
            RawServer.WsPeer ws = exchange.upgrade();
            start.set(Json.parseOrNull(ws.readText().text()));
            started.countDown();
            // A terminal in canonical mode would hold "abc" back until a newline came.
            StringBuilder typed = new StringBuilder();
            while (!typed.toString().equals("abc")) {
                typed.append(ws.read().text());
            }
            ws.binary("got it\r\n");
            ws.text("{\"type\":\"exit\",\"exit_code\":7,\"duration_ms\":1}");
        })) {
            // No --pty: a person at a terminal gets one anyway.
            String cli = String.join(" ", command()) + " dev.agentsh.cli.Main exec --server " + server.url() + " s1 -- vim";
            String session = "stty rows 40 cols 100; stty -g; " + cli + "; echo exit=$?; stty -g";
            ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString(), "-qfec", session, "/dev/null").redirectErrorStream(true);
            builder.environment().keySet().removeIf(name -> name.startsWith("AGENTSH_")); // AGENTSH_SESSION_ID would pick the session
            Process process = builder.start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (OutputStream keys = process.getOutputStream()) {
                assertThat(started.await(30, TimeUnit.SECONDS)).as("the start frame arrived").isTrue();
                keys.write("abc".getBytes(StandardCharsets.US_ASCII));
                keys.flush();
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the CLI finished").isTrue();
            } finally {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            List<String> lines = output.get(5, TimeUnit.SECONDS).lines().map(String::strip).filter(l -> !l.isEmpty())
                    .collect(Collectors.toList());
            assertThat(server.failures()).isEmpty();
            assertThat(start.get().path("rows").asInt()).isEqualTo(40);
            assertThat(start.get().path("cols").asInt()).isEqualTo(100);
            assertThat(lines).as("stty -g, the output, the exit code, stty -g").hasSize(4);
            assertThat(lines.get(1)).isEqualTo("got it");
            assertThat(lines.get(2)).isEqualTo("exit=7");
            assertThat(lines.get(3)).as("the terminal's settings afterwards").isEqualTo(lines.get(0));
        }
    }

    /** This JVM's java and class path, with the options bin/agentsh uses. */
    private static List<String> command() {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"));
    }
}
