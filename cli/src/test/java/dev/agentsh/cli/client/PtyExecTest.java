package dev.agentsh.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

/**
 * {@code agentsh exec --pty} against a scripted WebSocket server (§2.8): the start frame, stdin and
 * output, exit codes, denies, unknown sessions, deadlines, signals, and the unix socket.
 */
@Timeout(30)
class PtyExecTest {
    private static final String EXIT_0 = "{\"type\":\"exit\",\"exit_code\":0,\"duration_ms\":5}";

    @TempDir
    Path dir;

    /** What a run printed: stdout as raw bytes (the PTY's output), stderr as text. */
    record Run(int exit, String stdout, String err) {
    }

    private Run exec(RawServer server, boolean terminal, String stdin, List<String> variables, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("AGENTSH_SERVER", server.url(), "HOME", "/home/agent"));
        for (int i = 0; i < variables.size(); i += 2) {
            env.put(variables.get(i), variables.get(i + 1));
        }
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        Environment environment = new Environment(env, dir, terminal, in, stdout);
        String[] all = new String[args.length + 1];
        all[0] = "exec";
        System.arraycopy(args, 0, all, 1, args.length);
        Cli.Run r = Cli.run(environment, all);
        assertThat(server.failures()).as("server-side failures").isEmpty();
        return new Run(r.exit(), stdout.toString(StandardCharsets.UTF_8), r.err());
    }

    private Run exec(RawServer server, String... args) {
        return exec(server, false, "", List.of(), args);
    }

    @Test
    void theStartFrameNamesTheCommandAndOutputAndExitCodeComeBack() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> {
            RawServer.WsPeer ws = exchange.upgrade();
            JsonNode start = Json.parseOrNull(ws.readText().text());
            assertThat(start).isEqualTo(Json.parseOrNull("""
                    {"type":"start","command":"ls","args":["-la","my dir"],"working_dir":"/workspace/src","env":{"A":"1"}}"""));
            ws.binary("total 0\r\n");
            ws.frame(false, 0x2, "frag".getBytes(StandardCharsets.UTF_8)); // fragmented, with a ping in between
            ws.frame(true, 0x9, "are you there".getBytes(StandardCharsets.UTF_8));
            ws.frame(true, 0x0, "mented".getBytes(StandardCharsets.UTF_8));
            RawServer.WsPeer.Frame pong = ws.read();
            assertThat(pong.opcode()).isEqualTo(0xA);
            assertThat(pong.text()).isEqualTo("are you there");
            ws.text("{\"type\":\"something-new\"}");
            ws.text("{\"type\":\"exit\",\"exit_code\":3,\"duration_ms\":12}");
            assertThat(ws.read().opcode()).as("the client closes after the exit frame").isEqualTo(0x8);
        })) {
            Run r = exec(server, "--pty", "s1", "--json",
                    "{\"command\":\"ls\",\"args\":[\"-la\",\"my dir\"],\"working_dir\":\"/workspace/src\",\"env\":{\"A\":\"1\"}}");
            assertThat(r.exit()).as(r.err()).isEqualTo(3);
            assertThat(r.stdout()).isEqualTo("total 0\r\nfragmented");
            RawServer.Request upgrade = server.requests().getFirst();
            assertThat(upgrade.method()).isEqualTo("GET");
            assertThat(upgrade.target()).isEqualTo("/api/v1/sessions/s1/pty");
            assertThat(upgrade.header("Upgrade")).isEqualTo("websocket");
            assertThat(upgrade.header("Sec-WebSocket-Version")).isEqualTo("13");
        }
    }

    @Test
    void stdinIsForwardedAsBinaryFrames() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> {
            RawServer.WsPeer ws = exchange.upgrade();
            assertThat(ws.read().opcode()).isEqualTo(0x1);
            StringBuilder typed = new StringBuilder();
            while (typed.length() < "hello\nworld\n".length()) {
                RawServer.WsPeer.Frame f = ws.read();
                assertThat(f.opcode()).isEqualTo(0x2);
                typed.append(f.text());
            }
            assertThat(typed.toString()).isEqualTo("hello\nworld\n");
            ws.binary("HELLO\r\nWORLD\r\n");
            ws.text("{\"type\":\"exit\",\"exit_code\":-1,\"duration_ms\":1}");
        })) {
            Run r = exec(server, false, "hello\nworld\n", List.of(), "--pty", "s1", "--", "tr", "a-z", "A-Z");
            assertThat(r.exit()).as(r.err()).isEqualTo(255);
            assertThat(r.stdout()).isEqualTo("HELLO\r\nWORLD\r\n");
        }
    }

    @Test
    void aPolicyDenyExits126WithAHint() throws Exception {
        String deny = "{\"type\":\"error\",\"code\":403,\"message\":\"command denied by policy\"}";
        try (RawServer server = RawServer.tcp(exchange -> {
            RawServer.WsPeer ws = exchange.upgrade();
            ws.readText();
            ws.text(deny);
        })) {
            Run r = exec(server, "--pty", "s1", "--", "rm", "-rf", "/tmp/x y");
            assertThat(r.exit()).isEqualTo(126);
            assertThat(r.err()).isEqualTo("""
                    agentsh: command denied by policy
                    Tip: re-run without --pty to see policy details:
                      agentsh exec --output json --events blocked s1 -- rm -rf '/tmp/x y'
                    """);

            Run plain = exec(server, false, "", List.of("AGENTSH_PTY_DENY_MODE", "error"), "--pty", "s1", "--", "rm", "-rf", "/");
            assertThat(plain.exit()).isEqualTo(1);
            assertThat(plain.err()).isEqualTo("agentsh: command denied by policy\n");
        }
    }

    @Test
    void otherErrorsArePlainFailures() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> {
            RawServer.WsPeer ws = exchange.upgrade();
            ws.readText();
            ws.text("{\"type\":\"error\",\"code\":409,\"message\":\"session is busy\"}");
        })) {
            Run r = exec(server, "--pty", "s1", "--", "ls");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("agentsh: session is busy\n");
        }
    }

    @Test
    void anUnknownSessionIsCreatedAndTheCommandRunsOnce() throws Exception {
        AtomicInteger ptyAttempts = new AtomicInteger();
        try (RawServer server = RawServer.tcp(exchange -> {
            switch (exchange.request.method() + " " + exchange.request.target()) {
                case "POST /api/v1/sessions" -> exchange.respond(201, "{\"id\":\"s1\"}");
                case "GET /api/v1/sessions/s1/pty" -> {
                    RawServer.WsPeer ws = exchange.upgrade();
                    ws.readText();
                    if (ptyAttempts.incrementAndGet() == 1) {
                        ws.text("{\"type\":\"error\",\"code\":404,\"message\":\"session not found\"}");
                    } else {
                        ws.binary("ran");
                        ws.text(EXIT_0);
                    }
                }
                default -> exchange.respond(404, "{\"error\":\"no route\"}");
            }
        })) {
            Run r = exec(server, "--pty", "s1", "--", "make");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.stdout()).isEqualTo("ran");
            assertThat(server.requests()).extracting(RawServer.Request::method)
                    .containsExactly("GET", "POST", "GET");
            JsonNode create = Json.parseOrNull(server.requests().get(1).body());
            assertThat(create.path("id").asText()).isEqualTo("s1");
            assertThat(create.path("workspace").asText()).isEqualTo(dir.toRealPath().toString());
        }
    }

    @Test
    void aHandshakeRefusedWith404AlsoCreatesTheSession() throws Exception {
        AtomicInteger ptyAttempts = new AtomicInteger();
        try (RawServer server = RawServer.tcp(exchange -> {
            if (exchange.request.method().equals("POST")) {
                exchange.respond(201, "{\"id\":\"s1\"}");
            } else if (ptyAttempts.incrementAndGet() == 1 || exchange.request.target().contains("/s2/")) {
                exchange.respond(404, "{\"error\":\"session not found\"}");
            } else {
                RawServer.WsPeer ws = exchange.upgrade();
                ws.readText();
                ws.text(EXIT_0);
            }
        })) {
            Run r = exec(server, "--pty", "s1", "--", "true");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(server.requests()).hasSize(3);

            Run noAuto = exec(server, false, "", List.of("AGENTSH_NO_AUTO", "1"), "--pty", "s2", "--", "true");
            assertThat(noAuto.exit()).isEqualTo(1);
            assertThat(noAuto.err()).isEqualTo("agentsh: GET /api/v1/sessions/s2/pty: 404: session not found\n");
            assertThat(server.requests()).hasSize(4);
        }
    }

    @Test
    void aWrongAcceptKeyIsRejected() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> exchange.upgrade("bm90IHRoZSByaWdodCBrZXk="))) {
            Run r = exec(server, "--pty", "s1", "--", "ls");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("the server's WebSocket handshake is not valid");
        }
    }

    @Test
    void theTimeoutIsAClientSideDeadline() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> {
            RawServer.WsPeer ws = exchange.upgrade();
            JsonNode start = Json.parseOrNull(ws.readText().text());
            assertThat(start.has("timeout")).as("the deadline is the client's, not sent").isFalse();
            ws.binary("working...");
            try {
                ws.read(); // waits until the client hangs up
            } catch (java.io.IOException e) {
                // expected: the client closed the connection
            }
        })) {
            long start = System.nanoTime();
            Run r = exec(server, "--pty", "--timeout", "300ms", "s1", "--", "sleep", "100");
            assertThat(r.exit()).isEqualTo(124);
            assertThat(r.stdout()).isEqualTo("working...");
            assertThat(r.err()).isEqualTo("agentsh: the command ran past --timeout 300ms; its terminal was closed\n");
            assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
        }
    }

    @Test
    void aServerThatHangsUpBeforeTheExitFrameWentAway() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> {
            exchange.upgrade().readText();
            exchange.channel.close();
        })) {
            Run r = exec(server, "--pty", "s1", "--", "ls");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).startsWith("agentsh: the server went away during the request (");
        }
    }

    @Test
    void ptyWorksOverAUnixSocket() throws Exception {
        try (RawServer server = RawServer.unix(dir.resolve("agentsh.sock"), exchange -> {
            assertThat(exchange.request.header("Host")).isEqualTo("localhost");
            RawServer.WsPeer ws = exchange.upgrade();
            ws.readText();
            ws.binary("over the socket");
            ws.text(EXIT_0);
        })) {
            Run r = exec(server, "--pty", "s1", "--", "echo");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.stdout()).isEqualTo("over the socket");
        }
    }

    @Test
    void aPersonAtATerminalGetsAPtyWithoutAskingButProgramsDoNot() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> {
            if (exchange.request.target().endsWith("/pty")) {
                RawServer.WsPeer ws = exchange.upgrade();
                ws.readText();
                ws.binary("interactive");
                ws.text(EXIT_0);
            } else {
                exchange.respond(200, "{\"command_id\":\"c\",\"session_id\":\"s1\",\"result\":{\"exit_code\":0,\"stdout\":\"plain\\n\"}}");
            }
        })) {
            Run atTerminal = exec(server, true, "", List.of(), "s1", "--", "claude");
            assertThat(atTerminal.exit()).as(atTerminal.err()).isZero();
            assertThat(atTerminal.stdout()).isEqualTo("interactive");

            assertThat(exec(server, true, "", List.of(), "--output", "json", "s1", "--", "claude").exit()).isZero();
            assertThat(exec(server, true, "", List.of(), "s1", "--json", "{\"command\":\"claude\"}").exit()).isZero();
            assertThat(exec(server, false, "", List.of(), "s1", "--", "claude").exit()).isZero();
            assertThat(server.requests()).extracting(RawServer.Request::target).containsExactly(
                    "/api/v1/sessions/s1/pty", "/api/v1/sessions/s1/exec", "/api/v1/sessions/s1/exec", "/api/v1/sessions/s1/exec");
        }
    }

    /** Signals to this JVM are forwarded while a PTY command runs (raised only then: the handler is ours). */
    @Test
    void signalsSentToTheCliAreForwarded() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> {
            RawServer.WsPeer ws = exchange.upgrade();
            ws.readText(); // the handlers are installed before the start frame goes out
            Signal.raise(new Signal("INT"));
            assertThat(Json.parseOrNull(ws.readText().text())).isEqualTo(Json.parseOrNull("{\"type\":\"signal\",\"name\":\"SIGINT\"}"));
            Signal.raise(new Signal("TERM"));
            assertThat(Json.parseOrNull(ws.readText().text())).isEqualTo(Json.parseOrNull("{\"type\":\"signal\",\"name\":\"SIGTERM\"}"));
            ws.text("{\"type\":\"exit\",\"exit_code\":130,\"duration_ms\":1}");
        })) {
            Run r = exec(server, "--pty", "s1", "--", "sleep", "100");
            assertThat(r.exit()).as(r.err()).isEqualTo(130);
        }
    }

    @Test
    void framesHaveTheShapesOfTheProtocol() {
        assertThat(PtySession.resizeFrame(new Terminal.Size(50, 132)))
                .isEqualTo(Json.parseOrNull("{\"type\":\"resize\",\"rows\":50,\"cols\":132}"));
        assertThat(PtySession.signalFrame("SIGHUP")).isEqualTo(Json.parseOrNull("{\"type\":\"signal\",\"name\":\"SIGHUP\"}"));
        assertThat(PtySession.startFrame(Json.object().put("command", "vim").put("include_events", "none"), new Terminal.Size(24, 80)))
                .isEqualTo(Json.parseOrNull("{\"type\":\"start\",\"command\":\"vim\",\"rows\":24,\"cols\":80}"));
    }

    @Test
    void clientFramesAreMaskedAndSizedAsRfc6455Says() {
        byte[] small = WebSocket.frame(0x1, "Hello".getBytes(StandardCharsets.US_ASCII), 0, 5, 0x37fa213d);
        // RFC 6455 §5.7: a masked "Hello".
        assertThat(small).containsExactly(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58);
        byte[] medium = WebSocket.frame(0x2, new byte[300], 0, 300, 0);
        assertThat(medium).startsWith(0x82, 0xFE, 0x01, 0x2C);
        byte[] large = WebSocket.frame(0x2, new byte[70_000], 0, 70_000, 0);
        assertThat(large).startsWith(0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0x11, 0x70);
        // RFC 6455 §1.3's example key and answer.
        assertThat(WebSocket.expectedAccept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void ptyDoesNotMixWithStreamOrJsonOutput() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> exchange.respond(500, "{}"))) {
            Run r = exec(server, "--pty", "--output", "json", "s1", "--", "ls");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).startsWith("--pty cannot be combined with --output json");
            assertThat(server.requests()).isEmpty();
        }
    }
}
