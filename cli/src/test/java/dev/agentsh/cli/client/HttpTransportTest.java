package dev.agentsh.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's own HTTP/1.1 client, over TCP and unix sockets: framing, streaming, deadlines and failures. */
@Timeout(30)
class HttpTransportTest {
    private static final String SESSIONS = "[{\"id\":\"s1\",\"state\":\"ready\"}]";
    private static final String OK = """
            {"command_id":"c1","session_id":"s1","result":{"exit_code":0,"stdout":"hi\\n","stderr":""}}""";

    @TempDir
    Path dir;

    private static ApiClient api(RawServer server) {
        return new ApiClient(URI.create(server.url()), "key-1", "00-trace-01");
    }

    @Test
    void sessionListAndExecWorkOverAUnixSocket() throws Exception {
        try (RawServer server = RawServer.unix(dir.resolve("agentsh.sock"), exchange -> {
            switch (exchange.request.target()) {
                case "/api/v1/sessions" -> exchange.respond(200, SESSIONS);
                case "/api/v1/sessions/s1/exec" -> exchange.respond(200, OK);
                default -> exchange.respond(404, "{\"error\":\"no route\"}");
            }
        })) {
            Cli.Run list = Cli.run(Cli.env(dir, "AGENTSH_SERVER", server.url(), "AGENTSH_API_KEY", "key-1"), "session", "list");
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(Json.parseOrNull(list.out())).isEqualTo(Json.parseOrNull(SESSIONS));

            Cli.Run exec = Cli.run(Cli.env(dir, "AGENTSH_SERVER", server.url()), "exec", "s1", "--", "echo", "hi");
            assertThat(exec.exit()).as(exec.err()).isZero();
            assertThat(exec.out()).isEqualTo("hi\n");

            RawServer.Request first = server.requests().getFirst();
            assertThat(first.method()).isEqualTo("GET");
            assertThat(first.header("Host")).isEqualTo("localhost");
            assertThat(first.header("X-API-Key")).isEqualTo("key-1");
            RawServer.Request post = server.requests().get(1);
            assertThat(post.method()).isEqualTo("POST");
            assertThat(post.header("Content-Type")).isEqualTo("application/json");
            assertThat(Json.parseOrNull(post.body()).path("command").asText()).isEqualTo("echo");
            assertThat(server.failures()).isEmpty();
        }
    }

    @Test
    void headersCarryHostPortKeyAndTraceparentOverTcp() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> exchange.respond(200, SESSIONS))) {
            try (ApiClient api = api(server)) {
                api.sessions();
            }
            RawServer.Request request = server.requests().getFirst();
            assertThat(request.header("Host")).isEqualTo(URI.create(server.url()).getAuthority());
            assertThat(request.header("Traceparent")).isEqualTo("00-trace-01");
            assertThat(request.header("X-API-Key")).isEqualTo("key-1");
        }
    }

    @Test
    void chunkedAndUnframedBodiesAreReadWhole() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> {
            if (exchange.request.target().equals("/api/v1/sessions")) {
                exchange.startChunked(200, "application/json");
                exchange.chunk("[{\"id\":\"s1\",");
                exchange.chunk("\"state\":\"ready\"}]");
                exchange.lastChunk();
            } else {
                // No Content-Length, no chunking: the body ends where the server closes the connection.
                exchange.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"id\":\"s1\",");
                Thread.sleep(50);
                exchange.write("\"state\":\"busy\"}");
            }
        }); ApiClient api = api(server)) {
            assertThat(api.sessions()).isEqualTo(Json.parseOrNull(SESSIONS));
            assertThat(api.session("s1").path("state").asText()).isEqualTo("busy");
        }
    }

    @Test
    void errorStatusesAreApiExceptionsWithTheServersText() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> exchange.respond(404, "{\"error\":\"session not found\"}"));
                ApiClient api = api(server)) {
            assertThatThrownBy(() -> api.session("nope"))
                    .isInstanceOf(ApiException.class)
                    .hasMessage("GET /api/v1/sessions/nope: 404: session not found");
        }
    }

    @Test
    void sseOverAUnixSocketIsHandedOverFrameByFrame() throws Exception {
        CountDownLatch firstSeen = new CountDownLatch(1);
        try (RawServer server = RawServer.unix(dir.resolve("s.sock"), exchange -> {
            exchange.startChunked(200, "text/event-stream");
            exchange.chunk("event: stdout\ndata: {\"stream\":\"stdout\",\"data\":\"one\"}\n\n");
            // The rest comes only once the client has shown it the first frame: a client that waited for
            // the end of the body would never get there.
            if (!firstSeen.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the first frame was not handed over while the stream was open");
            }
            exchange.chunk("event: stderr\ndata: {\"stream\":\"stderr\",\"data\":\"two\"}\n\nevent: done\n");
            exchange.chunk("data: {\"exit_code\":4,\"duration_ms\":9}\n\n");
            exchange.lastChunk();
        }); ApiClient api = api(server)) {
            List<String> seen = new ArrayList<>();
            ApiClient.StreamEnd end = api.execStream("s1", Json.object().put("command", "make"), Duration.ofSeconds(5), (stream, data) -> {
                seen.add(stream + ":" + data);
                firstSeen.countDown();
            });
            assertThat(seen).containsExactly("stdout:one", "stderr:two");
            assertThat(end).isEqualTo(new ApiClient.StreamEnd.Done(4, 9));
            assertThat(server.requests().getFirst().header("Accept")).isEqualTo("text/event-stream");
        }
    }

    @Test
    void eventsTailOverAUnixSocket() throws Exception {
        try (RawServer server = RawServer.unix(dir.resolve("e.sock"), exchange -> {
            exchange.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n");
            exchange.write("event: ready\ndata: {}\n\n");
            exchange.write("data: {\"type\":\"command_started\"}\n\n");
        })) {
            Cli.Run r = Cli.run(Cli.env(dir, "AGENTSH_SERVER", server.url()), "events", "tail", "s1");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("command_started");
        }
    }

    @Test
    void nothingListeningIsServerUnreachable() throws Exception {
        int port = ExecCommandTest.closedPort();
        try (ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + port), null, null)) {
            assertThatThrownBy(api::sessions)
                    .isInstanceOf(ServerUnreachableException.class)
                    .hasMessageStartingWith("cannot reach the agentsh server at http://127.0.0.1:" + port + " (connection refused)");
        }
        try (ApiClient api = new ApiClient(URI.create("unix://" + dir.resolve("missing.sock")), null, null)) {
            assertThatThrownBy(api::sessions).isInstanceOf(ServerUnreachableException.class);
            assertThat(api.healthy(Duration.ofMillis(100))).isFalse();
        }
    }

    /** A listener whose queue is full makes connect(2) wait; the deadline ends the wait, and it counts as unreachable. */
    @Test
    void aConnectThatHangsIsUnreachableWhenItsTimeIsUp() throws Exception {
        Path socket = dir.resolve("full.sock");
        List<SocketChannel> queued = new ArrayList<>();
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket), 1);
            try {
                while (queued.size() < 64) { // never accepted: each waits in the queue until it is full
                    SocketChannel waiting = SocketChannel.open(StandardProtocolFamily.UNIX);
                    queued.add(waiting);
                    waiting.configureBlocking(false);
                    waiting.connect(UnixDomainSocketAddress.of(socket));
                }
            } catch (IOException full) {
                // EAGAIN: the queue is full, so a blocking connect will wait
            }
            try (ApiClient api = new ApiClient(URI.create("unix://" + socket), null, null)) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> api.exec("s1", Json.object().put("command", "x"), Duration.ofMillis(300)))
                        .isInstanceOf(ServerUnreachableException.class)
                        .hasMessageContaining("(no connection within 300ms)");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            }
        } finally {
            for (SocketChannel channel : queued) {
                channel.close();
            }
        }
    }

    @Test
    void anUnreachableUnixSocketIsNeverAutoStarted() {
        String url = "unix://" + dir.resolve("gone.sock");
        Cli.Run r = Cli.run(Cli.env(dir, "AGENTSH_SERVER", url), "exec", "s1", "--", "ls");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("auto-starting")
                .startsWith("agentsh: cannot reach the agentsh server at " + url + " (")
                .endsWith("Start it with: agentsh server [--config FILE]\n");
    }

    @Test
    void aConnectionThatDiesMidResponseIsTheServerGoingAway() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> {
            exchange.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":");
            exchange.channel.close();
        }); ApiClient api = api(server)) {
            assertThatThrownBy(api::sessions)
                    .isInstanceOf(ClientException.class)
                    .isNotInstanceOf(ServerUnreachableException.class)
                    .hasMessageStartingWith("the server went away during the request (")
                    .hasMessageEndingWith("); check its log");
        }
        try (RawServer server = RawServer.unix(dir.resolve("dies.sock"), exchange -> {
            exchange.startChunked(200, "text/event-stream");
            exchange.chunk("event: stdout\ndata: {\"data\":\"x\"}\n\n");
            exchange.channel.close();
        }); ApiClient api = api(server)) {
            assertThatThrownBy(() -> api.execStream("s1", Json.object().put("command", "x"), Duration.ofSeconds(5), (s, d) -> { }))
                    .isInstanceOf(ClientException.class)
                    .hasMessageStartingWith("the server went away during the request (");
        }
    }

    @Test
    void theDeadlineCoversTheWholeBodyNotJustTheHeaders() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawServer server = RawServer.tcp(exchange -> {
            exchange.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"command_id\":");
            release.await(10, TimeUnit.SECONDS); // an approval wait, say, that outlasts the client's patience
        }); ApiClient api = api(server)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> api.exec("s1", Json.object().put("command", "x"), Duration.ofMillis(300)))
                    .isInstanceOf(ClientException.class)
                    .hasMessageStartingWith("no response from the server within 300ms;");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            release.countDown();
        }
    }

    @Test
    void interimAnswersAreSkipped() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> {
            exchange.write("HTTP/1.1 100 Continue\r\n\r\n");
            exchange.respond(200, SESSIONS);
        }); ApiClient api = api(server)) {
            JsonNode sessions = api.sessions();
            assertThat(sessions.get(0).path("id").asText()).isEqualTo("s1");
        }
    }

    @Test
    void requestBodiesAreSentWithTheirLength() throws Exception {
        try (RawServer server = RawServer.tcp(exchange -> exchange.respond(201, "{\"id\":\"s9\"}")); ApiClient api = api(server)) {
            api.createSession(Json.object().put("workspace", "/tmp/w\u00e9"));
            RawServer.Request request = server.requests().getFirst();
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.header("Content-Length")).isEqualTo(Integer.toString(request.body().getBytes(StandardCharsets.UTF_8).length));
            assertThat(Json.parseOrNull(request.body())).isEqualTo(Json.parseOrNull("{\"workspace\":\"/tmp/w\u00e9\"}"));
        }
    }
}
