package dev.agentsh.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Errors a handler throws reach the client as JSON with their status, on a connection that stays usable. */
class HttpApiTest {
    private HttpApi api;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        Router router = new Router()
                .add("GET", "/missing", Request.Role.AGENT, r -> {
                    throw new HttpError(404, "session not found");
                })
                .add("POST", "/json", Request.Role.AGENT, r -> Response.ok(r.json(Map.class)))
                .add("GET", "/broken", Request.Role.AGENT, r -> {
                    throw new IllegalStateException("boom");
                })
                .add("GET", "/ok", Request.Role.AGENT, r -> Response.ok(Map.of("ok", true)));
        api = new HttpApi(new HttpApi.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024, "X-API-Key",
                List.of(), "/health", "/ready"), router);
        api.start();
    }

    @AfterEach
    void stop() {
        api.stop();
        http.close();
    }

    @Test
    void anHttpErrorIsAnsweredWithItsStatusAndMessage() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/missing")).GET());

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).contains("\"error\"").contains("session not found");
    }

    @Test
    void requestsFromWebPagesAreRefusedBeforeTheyReachARoute() throws Exception {
        // A page can send a text/plain POST across sites without a preflight; its Origin header gives it away.
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/json")).header("Origin", "https://evil.example")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("requests from web pages are refused");
        assertThat(send(HttpRequest.newBuilder(uri("/ok")).GET()).statusCode()).isEqualTo(200);
    }

    @Test
    void invalidJsonIs400() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/json")).POST(HttpRequest.BodyPublishers.ofString("{\"a\": ")));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid json");
    }

    @Test
    void aTooLargeBodyIs413() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/json")).POST(HttpRequest.BodyPublishers.ofString("x".repeat(4096))));

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("request body too large");
    }

    @Test
    void anUnexpectedExceptionIs500() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/broken")).GET());

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("boom");
    }

    @Test
    void theConnectionServesTheNextRequestAfterAnError() throws Exception {
        assertThat(send(HttpRequest.newBuilder(uri("/missing")).GET()).statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(uri("/ok")).GET()).statusCode()).isEqualTo(200);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.address().getPort() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
