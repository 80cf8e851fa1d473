package dev.agentsh.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP/1.1 server as seen on the wire: framing, keep-alive, limits, and streaming. */
class HttpWireTest {
    private static final HttpApi.Timeouts SHORT =
            new HttpApi.Timeouts(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5));

    @TempDir
    Path dir;

    private final CountDownLatch secondEvent = new CountDownLatch(1);
    private final CountDownLatch floodFailed = new CountDownLatch(1);
    private HttpApi api;

    @BeforeEach
    void start() throws Exception {
        Router router = new Router()
                .add("GET", "/ok", Request.Role.AGENT, r -> Response.ok(Map.of("ok", true)))
                .add("POST", "/echo", Request.Role.AGENT, r -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("body", new String(r.body(), StandardCharsets.UTF_8));
                    out.put("expect", String.valueOf(r.exchange().head().header("Expect")));
                    return Response.ok(out);
                })
                .add("POST", "/ignore", Request.Role.AGENT, r -> Response.ok(Map.of("ignored", true)))
                .add("GET", "/events", Request.Role.AGENT, r -> {
                    Sse sse = Sse.open(r.exchange());
                    sse.send("first", Map.of("n", 1));
                    secondEvent.await(10, TimeUnit.SECONDS);
                    sse.send("second", Map.of("n", 2));
                    return null;
                })
                .add("GET", "/flood", Request.Role.AGENT, r -> {
                    Sse sse = Sse.open(r.exchange());
                    String block = "f".repeat(64 * 1024);
                    try {
                        while (true) {
                            sse.send(null, block);
                        }
                    } catch (IOException e) {
                        floodFailed.countDown();
                        throw e;
                    }
                });
        api = new HttpApi(new HttpApi.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024 * 1024,
                "X-API-Key", List.of(), "/health", "/ready"), router, SHORT);
        api.start();
    }

    @AfterEach
    void stop() {
        api.stop();
    }

    @Test
    void twoRequestsShareOneKeptAliveConnection() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            RawHttp.Response first = c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").read();
            RawHttp.Response second = c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").read();

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).contains("\"ok\" : true");
            assertThat(first.header("Connection")).isNull();
            assertThat(first.header("Date")).endsWith(" GMT");
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.body()).isEqualTo("ok\n");
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            RawHttp.Response r = c.send("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            assertThat(c.send("GET /ok HTTP/1.0\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawHttp c = new RawHttp(api.address())) {
            RawHttp.Response r = c.send("GET /ok HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            assertThat(r.header("Connection")).isEqualTo("keep-alive");
            assertThat(c.send("GET /ok HTTP/1.0\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst"
                    + "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nthird\r\n0\r\n\r\n"
                    + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertThat(c.read().body()).contains("\"body\" : \"first\"");
            assertThat(c.read().body()).contains("\"ok\" : true");
            assertThat(c.read().body()).contains("\"body\" : \"third\"");
            assertThat(c.read().body()).isEqualTo("ok\n");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aChunkedBodyIsDecodedWithExtensionsAndTrailers() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            RawHttp.Response r = c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "6;name=value\r\nhello \r\n" + "5\r\nworld\r\n" + "0\r\nX-Trailer: t\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).contains("\"body\" : \"hello world\"");
            assertThat(c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
        }
    }

    @Test
    void aMalformedChunkedBodyIs400AndCloses() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            RawHttp.Response r = c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("malformed chunked body");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");

            assertThat(c.line()).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(c.line()).isEmpty();
            RawHttp.Response r = c.send("body").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).contains("\"body\" : \"body\"");
        }
    }

    @Test
    void aRouteThatIgnoresAnExpectedBodyAnswersWithoutContinueAndCloses() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            RawHttp.Response r = c.send("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void curlSendsALargeBodyThroughExpectContinueWithoutWaiting() throws Exception {
        Path big = dir.resolve("big");
        Files.writeString(big, "a".repeat(64 * 1024));
        // This curl (7.88) sends Expect only for bodies it streams, not for --data-binary: ask for it.
        Process curl = new ProcessBuilder("curl", "-s", "-H", "Expect: 100-continue", "-w", "\n%{time_total}", "--data-binary", "@" + big,
                "http://127.0.0.1:" + api.address().getPort() + "/echo").redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor()).isZero();

        assertThat(out).contains("\"expect\" : \"100-continue\"").contains("a".repeat(64 * 1024));
        // Without a 100 Continue curl sends the body anyway, but only after waiting a second.
        double seconds = Double.parseDouble(out.substring(out.lastIndexOf('\n') + 1).strip());
        assertThat(seconds).isLessThan(0.9);
    }

    @Test
    void anUnreadBodyIsDrainedSoTheConnectionServesTheNextRequest() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            c.send("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789"
                    + "POST /ignore HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    + "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(c.read().body()).contains("ignored");
            assertThat(c.read().body()).contains("ignored");
            assertThat(c.read().body()).contains("\"ok\" : true");
        }
    }

    @Test
    void oversizedHeadersAre431AndClose() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            RawHttp.Response r = c.send("GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(70 * 1024) + "\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(431);
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.body()).contains("\"error\"").contains("header section");
            assertThat(c.closedByServer()).isTrue();
        }
        StringBuilder many = new StringBuilder("GET /ok HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 101; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        try (RawHttp c = new RawHttp(api.address())) {
            RawHttp.Response r = c.send(many.append("\r\n").toString()).read();
            assertThat(r.status()).isEqualTo(431);
            assertThat(r.body()).contains("more than 100 header fields");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void anOverlongRequestLineIs414() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            RawHttp.Response r = c.send("GET /" + "p".repeat(9 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(414);
            assertThat(r.body()).contains("request line longer than 8192 bytes");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void bothContentLengthAndTransferEncodingIs400() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            RawHttp.Response r = c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("both Content-Length and Transfer-Encoding");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void malformedRequestsAre400AndClose() throws Exception {
        for (String request : List.of("GARBAGE\r\n\r\n", "GET /ok HTTP/1.1\r\nHost : x\r\n\r\n", "GET /ok HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
                "GET /ok HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "GET /ok HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n",
                "GET ok HTTP/1.1\r\n\r\n", "GET /o%zz HTTP/1.1\r\n\r\n")) {
            try (RawHttp c = new RawHttp(api.address())) {
                RawHttp.Response r = c.send(request).read();
                assertThat(r.status()).as(request).isEqualTo(400);
                assertThat(r.body()).as(request).contains("\"error\"");
                assertThat(c.closedByServer()).as(request).isTrue();
            }
        }
    }

    @Test
    void anUnknownHttpVersionIs505() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            assertThat(c.send("GET /ok HTTP/2.0\r\n\r\n").read().status()).isEqualTo(505);
        }
    }

    @Test
    void aHeadRequestGetsTheHeadersWithoutTheBody() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            c.send("HEAD /ok HTTP/1.1\r\nHost: x\r\n\r\n");
            List<String> head = new ArrayList<>();
            for (String line = c.line(); !line.isEmpty(); line = c.line()) {
                head.add(line);
            }
            assertThat(head.getFirst()).isEqualTo("HTTP/1.1 405 Method Not Allowed");
            assertThat(head).anyMatch(h -> h.startsWith("Content-Length: ") && !h.endsWith(" 0"));
            // The next response follows at once: no body was sent for the HEAD.
            assertThat(c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
        }
    }

    @Test
    void eventsReachTheClientBeforeTheStreamEnds() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            c.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
            List<String> head = new ArrayList<>();
            for (String line = c.line(); !line.isEmpty(); line = c.line()) {
                head.add(line);
            }
            assertThat(head).contains("Transfer-Encoding: chunked", "Content-Type: text/event-stream", "Cache-Control: no-cache");
            c.line();
            assertThat(c.line()).isEqualTo("event: first");
            assertThat(c.line()).isEqualTo("data: {\"n\":1}");

            secondEvent.countDown();
            assertThat(c.line()).isEmpty();
            assertThat(c.line()).isEmpty();
            c.line();
            assertThat(c.line()).isEqualTo("event: second");
            assertThat(c.line()).isEqualTo("data: {\"n\":2}");
            assertThat(c.line()).isEmpty();
            assertThat(c.line()).isEmpty();
            assertThat(c.line()).isEqualTo("0");
            assertThat(c.line()).isEmpty();
            assertThat(c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
        }
    }

    @Test
    void anIncompleteHeadIsCutOffAfterTheHeaderTimeout() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            long start = System.nanoTime();
            c.send("GET /ok HTTP/1.1\r\nHost: x\r\n");

            assertThat(c.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(3));
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            assertThat(c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            long start = System.nanoTime();

            assertThat(c.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
        }
    }

    @Test
    void aClientThatStopsReadingIsCutOffAfterTheWriteTimeout() throws Exception {
        try (RawHttp c = new RawHttp(api.address())) {
            c.send("GET /flood HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(floodFailed.await(10, TimeUnit.SECONDS)).as("the stream's writer gave up").isTrue();
        }
    }

    @Test
    void stopClosesIdleConnections() throws IOException {
        try (RawHttp c = new RawHttp(api.address())) {
            assertThat(c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            api.stop();

            assertThat(c.closedByServer()).isTrue();
        }
    }
}
