package dev.agentsh.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentsh exec} against a fake server: requests, rendering, exit codes and failures. */
class ExecCommandTest {
    private static final String OK = """
            {"command_id":"cmd-1","session_id":"s1","request":{"command":"ls","args":["-la"]},
             "result":{"exit_code":0,"stdout":"total 0\\n","stderr":"","duration_ms":3},
             "events":{"file_operations":[],"network_operations":[],"blocked_operations":[],"truncated":true},
             "guidance":{"status":"ok"}}""";
    private static final String FAILED = """
            {"command_id":"cmd-2","session_id":"s1","request":{"command":"false"},
             "result":{"exit_code":3,"stdout":"partial","stderr":"boom\\n","duration_ms":3},
             "events":{"file_operations":[],"network_operations":[],"blocked_operations":[]},
             "guidance":{"status":"failed","reason":"command failed"}}""";
    private static final String DENIED = """
            {"command_id":"cmd-3","session_id":"s1","request":{"command":"rm","args":["-rf","/"]},
             "result":{"exit_code":126,"duration_ms":0,
                       "error":{"code":"E_POLICY_DENIED","message":"command denied by policy","policy_rule":"block-rm"}},
             "events":{"file_operations":[],"network_operations":[],"blocked_operations":[{"type":"command_policy"}]},
             "guidance":{"status":"blocked","blocked":true,"reason":"command denied by policy","policy_rule":"block-rm",
                         "blocked_operation":"command_precheck","blocked_target":"rm",
                         "substitutions":[{"action":"redirected","command":"trash /","reason":"use trash"}],
                         "suggestions":[{"action":"adjust_policy","command":"","reason":"ask the operator to allow rm"},
                                        {"action":"request_approval","command":"agentsh approve list","reason":""}]}}""";

    @TempDir
    Path cwd;
    FakeServer server;

    @BeforeEach
    void start() throws IOException {
        server = new FakeServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Cli.Run exec(List<String> variables, String... args) {
        List<String> all = new ArrayList<>(List.of("AGENTSH_SERVER", server.url(), "HOME", "/home/agent"));
        all.addAll(variables);
        String[] command = new String[args.length + 1];
        command[0] = "exec";
        System.arraycopy(args, 0, command, 1, args.length);
        return Cli.run(Cli.env(cwd, all.toArray(String[]::new)), command);
    }

    private Cli.Run exec(String... args) {
        return exec(List.of(), args);
    }

    @Test
    void seedLineSendsTheCommandAndPrintsItsOutput() {
        server.respond("POST", "/api/v1/sessions/s1/exec", 200, OK);
        Cli.Run r = exec("s1", "--", "ls", "-la");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("total 0\n");
        assertThat(r.err()).isEmpty();
        JsonNode body = server.only().json();
        assertThat(body).isEqualTo(Json.parseOrNull("{\"command\":\"ls\",\"args\":[\"-la\"],\"include_events\":\"none\"}"));
    }

    @Test
    void shellModeWritesBothStreamsVerbatimAndExitsWithTheChildsCode() {
        server.respond("POST", "/api/v1/sessions/s1/exec", 200, FAILED);
        Cli.Run r = exec("s1", "--", "false");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("partial");
        assertThat(r.err()).isEqualTo("boom\nagentsh: command failed\n");
    }

    @Test
    void policyDenyExitsWith126AndTellsTheAgentWhatToDo() {
        server.respond("POST", "/api/v1/sessions/s1/exec", 403, DENIED);
        Cli.Run r = exec("s1", "--", "rm", "-rf", "/");
        assertThat(r.exit()).isEqualTo(126);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("""
                agentsh: command denied by policy (rule=block-rm)
                agentsh: try: trash /
                agentsh: hint: ask the operator to allow rm
                agentsh: try: agentsh approve list
                """);
    }

    @Test
    void withoutGuidanceTheBlockedRuleIsStillNamed() {
        JsonNode denied = Json.parseOrNull(DENIED);
        ((com.fasterxml.jackson.databind.node.ObjectNode) denied).remove("guidance");
        server.respond("POST", "/api/v1/sessions/s1/exec", 403, denied.toString());
        Cli.Run r = exec("s1", "--", "rm", "-rf", "/");
        assertThat(r.exit()).isEqualTo(126);
        assertThat(r.err()).isEqualTo("agentsh: blocked by policy (rule=block-rm): command denied by policy\n");
    }

    @Test
    void jsonOutputPrintsTheResponseAndStillExitsWithTheChildsCode() {
        server.respond("POST", "/api/v1/sessions/s1/exec", 200, FAILED);
        Cli.Run r = exec("--output", "json", "--events", "summary", "s1", "--", "curl", "https://example.com");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(Json.parseOrNull(r.out())).isEqualTo(Json.parseOrNull(FAILED));
        assertThat(r.out()).startsWith("{\n  \"command_id\": \"cmd-2\",\n");
        assertThat(server.only().json().get("include_events").asText()).isEqualTo("summary");
        assertThat(server.only().json().get("args").get(0).asText()).isEqualTo("https://example.com");
    }

    @Test
    void jsonOutputDeniedIs126() {
        server.respond("POST", "/api/v1/sessions/s1/exec", 403, DENIED);
        Cli.Run r = exec("--output", "json", "s1", "--", "rm", "-rf", "/");
        assertThat(r.exit()).isEqualTo(126);
        assertThat(Json.parseOrNull(r.out()).at("/result/error/code").asText()).isEqualTo("E_POLICY_DENIED");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void outputAndEventsDefaultFromTheEnvironment() {
        server.respond("POST", "/api/v1/sessions/s1/exec", 200, OK);
        Cli.Run r = exec(List.of("AGENTSH_OUTPUT", "json"), "s1", "--", "ls");
        assertThat(Json.parseOrNull(r.out()).get("command_id").asText()).isEqualTo("cmd-1");
        assertThat(server.requests().getLast().json().get("include_events").asText()).isEqualTo("summary");

        exec(List.of("AGENTSH_EVENTS", "all"), "s1", "--", "ls");
        assertThat(server.requests().getLast().json().get("include_events").asText()).isEqualTo("all");
    }

    @Test
    void badChoicesSayWhatIsExpected() {
        Cli.Run output = exec("--output", "xml", "s1", "--", "ls");
        assertThat(output.exit()).isEqualTo(2);
        assertThat(output.err()).contains("--output expects shell or json, got \"xml\"");
        Cli.Run events = exec(List.of("AGENTSH_EVENTS", "some"), "s1", "--", "ls");
        assertThat(events.err()).contains("AGENTSH_EVENTS expects all, summary, blocked or none, got \"some\"");
        Cli.Run timeout = exec("--client-timeout", "30", "s1", "--", "ls");
        assertThat(timeout.exit()).isEqualTo(2);
        assertThat(timeout.err()).contains("--client-timeout expects a duration such as 30s, 5m or 1h30m, got \"30\"");
        Cli.Run variable = exec(List.of("AGENTSH_CLIENT_TIMEOUT", "soon"), "s1", "--", "ls");
        assertThat(variable.err()).contains("AGENTSH_CLIENT_TIMEOUT expects a duration");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void timeoutIsSentAndChecked() {
        server.respond("POST", "/api/v1/sessions/s1/exec", 200, OK);
        exec("--timeout", "5m", "s1", "--", "ls");
        assertThat(server.only().json().get("timeout").asText()).isEqualTo("5m");
        Cli.Run bad = exec("--timeout", "5 minutes", "s1", "--", "ls");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--timeout expects a duration");
    }

    @Test
    void sessionFromTheEnvironmentWins() {
        server.respond("POST", "/api/v1/sessions/my-session/exec", 200, OK);
        List<String> env = List.of("AGENTSH_SESSION_ID", "my-session");

        exec(env, "--", "ls", "-la");
        assertThat(server.requests().getLast().json().get("command").asText()).isEqualTo("ls");

        exec(env, "my-session", "--", "ls");
        assertThat(server.requests().getLast().json().get("command").asText()).isEqualTo("ls");
        assertThat(server.requests().getLast().json().has("args")).isFalse();

        exec(env, "other", "--", "ls");
        JsonNode body = server.requests().getLast().json();
        assertThat(body.get("command").asText()).isEqualTo("other");
        assertThat(body.get("args").get(0).asText()).isEqualTo("ls");
        assertThat(server.requests()).allMatch(q -> q.path().equals("/api/v1/sessions/my-session/exec"));
    }

    @Test
    void aCommandAfterTheDashIsNeverTakenForTheSession() {
        Cli.Run r = exec("--", "ls", "-la");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("agentsh: session id is required (provide as argument or set AGENTSH_SESSION_ID)\n");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void missingCommandIsAnError() {
        Cli.Run r = exec("s1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("command is required");
    }

    @Test
    void jsonRequestIsSentWithTheFlagsApplied() {
        server.respond("POST", "/api/v1/sessions/s1/exec", 200, OK);
        Cli.Run r = exec("s1", "--json", "{\"command\":\"ls\",\"args\":[\"-la\"],\"working_dir\":\"src\"}", "--timeout", "10s");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(server.only().json()).isEqualTo(Json.parseOrNull(
                "{\"command\":\"ls\",\"args\":[\"-la\"],\"working_dir\":\"src\",\"timeout\":\"10s\",\"include_events\":\"none\"}"));
        assertThat(exec("s1", "--json", "[1]").err()).contains("invalid --json: expected an object");
        assertThat(exec("s1", "--json", "{\"args\":[]}").err()).contains("command is required");
    }

    @Test
    void atFileArgumentsReachTheCommandUnchanged() throws IOException {
        Path file = Files.writeString(cwd.resolve("args"), "surprise\n");
        server.respond("POST", "/api/v1/sessions/s1/exec", 200, OK);
        exec("s1", "--", "echo", "@" + file);
        assertThat(server.only().json().get("args").get(0).asText()).isEqualTo("@" + file);
    }

    @Test
    void unknownSessionIsCreatedWithTheCallersIdAndTheCommandRetried() throws IOException {
        Path real = Files.createDirectory(cwd.resolve("project"));
        Path link = Files.createSymbolicLink(cwd.resolve("link"), real);
        server.respond("POST", "/api/v1/sessions/my-session/exec", 404, "{\"error\":\"session not found\"}")
                .respond("POST", "/api/v1/sessions/my-session/exec", 200, OK)
                .respond("POST", "/api/v1/sessions", 201, "{\"id\":\"my-session\"}");
        Cli.Run r = Cli.run(Cli.env(link, "AGENTSH_SERVER", server.url(), "HOME", "/home/agent"), "exec", "my-session", "--", "ls");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(server.requests()).extracting(FakeServer.Request::path)
                .containsExactly("/api/v1/sessions/my-session/exec", "/api/v1/sessions", "/api/v1/sessions/my-session/exec");
        assertThat(server.requests().get(1).json()).isEqualTo(Json.parseOrNull(
                "{\"id\":\"my-session\",\"workspace\":\"" + real.toRealPath() + "\",\"home\":\"/home/agent\"}"));
    }

    @Test
    void sessionRootAndRootFlagChooseTheNewSessionsWorkspace() throws IOException {
        Path fromVariable = Files.createDirectory(cwd.resolve("from-variable"));
        Path fromFlag = Files.createDirectory(cwd.resolve("from-flag"));
        server.respond("POST", "/api/v1/sessions/s1/exec", 404, "{\"error\":\"session not found\"}")
                .respond("POST", "/api/v1/sessions", 201, "{\"id\":\"s1\"}");
        exec(List.of("AGENTSH_SESSION_ROOT", fromVariable.toString()), "s1", "--", "ls");
        assertThat(server.requests().get(1).json().get("workspace").asText()).isEqualTo(fromVariable.toRealPath().toString());
        exec(List.of("AGENTSH_SESSION_ROOT", fromVariable.toString()), "--root", "from-flag", "s1", "--", "ls");
        FakeServer.Request created = server.requests().stream().filter(q -> q.path().equals("/api/v1/sessions")).toList().getLast();
        assertThat(created.json().get("workspace").asText()).isEqualTo(fromFlag.toRealPath().toString());
    }

    @Test
    void sessionCreatedConcurrentlyIsFine() {
        server.respond("POST", "/api/v1/sessions/s1/exec", 404, "{\"error\":\"session not found\"}")
                .respond("POST", "/api/v1/sessions/s1/exec", 200, OK)
                .respond("POST", "/api/v1/sessions", 409, "{\"error\":\"session already exists\"}");
        assertThat(exec("s1", "--", "ls").exit()).isZero();
    }

    @Test
    void noAutoDisablesSessionCreation() {
        server.respond("POST", "/api/v1/sessions/s1/exec", 404, "{\"error\":\"session not found\"}");
        Cli.Run r = exec(List.of("AGENTSH_NO_AUTO", "1"), "s1", "--", "ls");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("agentsh: POST /api/v1/sessions/s1/exec: 404: session not found\n");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void httpErrorsShowMethodPathStatusAndTheServersError() {
        server.respond("POST", "/api/v1/sessions/s1/exec", 400, "{\"error\":\"command is required\"}");
        Cli.Run r = exec("s1", "--", "ls");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("agentsh: POST /api/v1/sessions/s1/exec: 400: command is required\n");
    }

    @Test
    void apiKeyIsSentAsXApiKey() {
        server.respond("POST", "/api/v1/sessions/s1/exec", 200, OK);
        exec(List.of("AGENTSH_API_KEY", "from-env"), "s1", "--", "ls");
        assertThat(server.requests().getLast().header("X-API-Key")).isEqualTo("from-env");
        exec(List.of("AGENTSH_API_KEY", "from-env"), "--api-key", "from-flag", "s1", "--", "ls");
        assertThat(server.requests().getLast().header("X-API-Key")).isEqualTo("from-flag");
    }

    @Test
    void streamWritesChunksAsTheyComeAndExitsWithTheDoneCode() {
        server.handle("POST", "/api/v1/sessions/s1/exec/stream", FakeServer.sse(
                "stdout", "{\"command_id\":\"c\",\"stream\":\"stdout\",\"data\":\"hello\\n\"}",
                "stderr", "{\"command_id\":\"c\",\"stream\":\"stderr\",\"data\":\"warn\"}",
                "done", "{\"command_id\":\"c\",\"exit_code\":3,\"duration_ms\":12,\"stdout_truncated\":false,\"stderr_truncated\":false}"));
        Cli.Run shell = exec("--stream", "s1", "--", "make");
        assertThat(shell.exit()).isEqualTo(3);
        assertThat(shell.out()).isEqualTo("hello\n");
        assertThat(shell.err()).isEqualTo("warn");
        assertThat(server.requests().getLast().json().get("stream_output").asBoolean()).isTrue();

        Cli.Run json = exec("--stream", "--output", "json", "s1", "--", "make");
        assertThat(json.exit()).isEqualTo(3);
        assertThat(json.out()).isEqualTo("[stdout] hello\n");
        assertThat(json.err()).isEqualTo("[stderr] warn\nexit_code=3 duration_ms=12\n");
    }

    @Test
    void aStreamThatKeepsProducingOutputOutlivesTheClientTimeout() {
        server.handle("POST", "/api/v1/sessions/s1/exec/stream", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (var body = exchange.getResponseBody()) {
                for (int i = 0; i < 4; i++) {
                    body.write(("event: stdout\ndata: {\"stream\":\"stdout\",\"data\":\"" + i + "\"}\n\n").getBytes());
                    body.flush();
                    Thread.sleep(150);
                }
                body.write("event: done\ndata: {\"exit_code\":0,\"duration_ms\":600}\n\n".getBytes());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Cli.Run r = exec("--stream", "--client-timeout", "200ms", "s1", "--", "make");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("0123");
    }

    @Test
    void streamDenyIsRenderedLikeAnyDeny() {
        server.respond("POST", "/api/v1/sessions/s1/exec/stream", 403, DENIED);
        Cli.Run r = exec("--stream", "s1", "--", "rm", "-rf", "/");
        assertThat(r.exit()).isEqualTo(126);
        assertThat(r.err()).startsWith("agentsh: command denied by policy (rule=block-rm)\n");
    }

    @Test
    void streamThatStopsBeforeDoneIsReported() {
        server.handle("POST", "/api/v1/sessions/s1/exec/stream", FakeServer.sse(
                "stdout", "{\"command_id\":\"c\",\"stream\":\"stdout\",\"data\":\"hel\"}"));
        Cli.Run r = exec("--stream", "s1", "--", "make");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("hel");
        assertThat(r.err()).contains("agentsh: the server went away during the request (the stream ended before the command finished)");
    }

    @Test
    void serverDyingMidRequestIsExplainedWithoutAStackTrace() throws Exception {
        try (ServerSocket dying = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = dying.accept(); InputStream in = s.getInputStream()) {
                    in.readNBytes(16); // the request has started; now the server dies
                } catch (IOException e) {
                    // the test sees the outcome on the client side
                }
            });
            Cli.Run r = Cli.run(Cli.env(cwd, "AGENTSH_SERVER", "http://127.0.0.1:" + dying.getLocalPort()), "exec", "s1", "--", "ls");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).startsWith("agentsh: the server went away during the request (").endsWith("); check its log\n");
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void slowServerHitsTheClientTimeout() {
        server.handle("POST", "/api/v1/sessions/s1/exec", exchange -> {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            FakeServer.send(exchange, 200, "application/json", OK);
        });
        Cli.Run r = exec("--client-timeout", "200ms", "s1", "--", "sleep", "10");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("agentsh: no response from the server within 200ms;");
    }

    @Test
    void unreachableServerWithNoAutoSaysHowToStartIt() throws IOException {
        int port = closedPort();
        Cli.Run r = Cli.run(Cli.env(cwd, "AGENTSH_SERVER", "http://127.0.0.1:" + port, "AGENTSH_NO_AUTO", "TRUE"), "exec", "s1", "--", "ls");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("agentsh: cannot reach the agentsh server at http://127.0.0.1:" + port
                + " (connection refused). Start it with: agentsh server [--config FILE]\n");
    }

    @Test
    void serversOtherThanTheLocalDefaultAreNeverAutoStarted() throws IOException {
        int port = closedPort();
        Cli.Run r = Cli.run(Cli.env(cwd, "AGENTSH_SERVER", "http://127.0.0.1:" + port), "exec", "s1", "--", "ls");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("auto-starting").startsWith("agentsh: cannot reach the agentsh server");
    }

    @Test
    void ptyCannotBeCombinedWithStreamOrJsonOutput() {
        Cli.Run stream = exec("--pty", "--stream", "s1", "--", "bash");
        assertThat(stream.exit()).isEqualTo(2);
        assertThat(stream.err()).startsWith("--pty cannot be combined with --stream");
        Cli.Run json = exec(List.of("AGENTSH_OUTPUT", "json"), "--pty", "s1", "--", "bash");
        assertThat(json.exit()).isEqualTo(2);
        assertThat(json.err()).startsWith("--pty cannot be combined with --output json");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void signalKilledChildExitsWith255() {
        server.respond("POST", "/api/v1/sessions/s1/exec", 200, OK.replace("\"exit_code\":0", "\"exit_code\":-1"));
        assertThat(exec("s1", "--", "sleep", "100").exit()).isEqualTo(255);
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
