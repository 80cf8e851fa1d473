package dev.agentsh.cli.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Direct HTTP calls to the server under test, with an optional API key. */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A response: status, raw body, and the body as JSON (MissingNode when it is not JSON). */
    record Reply(int status, String body, String contentType) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                return MissingNode.getInstance();
            }
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + (body.length() > 4000 ? body.substring(0, 4000) + "..." : body);
        }
    }

    private final String base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    Api(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    Api(ServerProcess server) {
        this(server.url(), null);
    }

    Api withKey(String key) {
        return new Api(base, key);
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply delete(String path) {
        return send("DELETE", path, null);
    }

    /** POSTs {@code body}: a String is sent as is (so invalid JSON can be sent), anything else as JSON. */
    Reply post(String path, Object body) {
        return send("POST", path, body);
    }

    /** Creates a session and returns its id, failing the test on anything but 201. */
    String createSession(Path workspace, String policy) {
        return createSession(workspace, policy, false);
    }

    /** As {@link #createSession(Path, String)}, optionally with real paths (no /workspace). */
    String createSession(Path workspace, String policy, boolean realPaths) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("workspace", workspace.toString());
        if (policy != null) {
            body.put("policy", policy);
        }
        if (realPaths) {
            body.put("real_paths", true);
        }
        Reply reply = post("/api/v1/sessions", body);
        if (reply.status() != 201) {
            throw new AssertionError("session create failed: " + reply);
        }
        return reply.json().path("id").asText();
    }

    /** POST /exec of {@code command args...}. */
    Reply exec(String session, String command, String... args) {
        return post("/api/v1/sessions/" + session + "/exec", Map.of("command", command, "args", List.of(args)));
    }

    Reply send(String method, String path, Object body) {
        String text;
        try {
            text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        if (text != null) {
            request.header("Content-Type", "application/json");
        }
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
