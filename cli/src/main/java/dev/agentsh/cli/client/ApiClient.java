package dev.agentsh.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The agentsh HTTP API, one method per route the CLI uses, over {@link HttpTransport} (TCP or a unix
 * socket). Every failure surfaces as a {@link ClientException}: {@link ServerUnreachableException}
 * when nothing accepts the connection, {@link ApiException} for an error status, and a "went away"
 * message when the connection dies.
 */
public final class ApiClient implements AutoCloseable {
    /** Every request but exec waits this long, as in the original. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final String API = "/api/v1";

    /** How a streamed exec ended: its done frame, or the ExecResponse of a server that refused to run it. */
    public sealed interface StreamEnd {
        record Done(int exitCode, long durationMs) implements StreamEnd {
        }

        record Refused(JsonNode response) implements StreamEnd {
        }
    }

    private final URI server;
    private final String basePath;
    private final HttpTransport http;

    /** {@code server} is http://host[:port][/prefix] or unix:///path/to.sock. */
    public ApiClient(URI server, String apiKey, String traceparent) {
        this.server = server;
        this.basePath = "unix".equals(server.getScheme()) ? "" : server.getRawPath().replaceAll("/+$", "");
        Map<String, String> headers = new HashMap<>();
        if (apiKey != null) {
            headers.put("X-API-Key", apiKey);
        }
        if (traceparent != null) {
            headers.put("Traceparent", traceparent);
        }
        this.http = new HttpTransport(server, headers);
    }

    public URI server() {
        return server;
    }

    public JsonNode createSession(ObjectNode body) {
        return json("POST", API + "/sessions", body);
    }

    public JsonNode sessions() {
        return json("GET", API + "/sessions", null);
    }

    public JsonNode session(String id) {
        return json("GET", sessionPath(id), null);
    }

    public JsonNode updateSession(String id, ObjectNode patch) {
        return json("PATCH", sessionPath(id), patch);
    }

    public void destroySession(String id) {
        json("DELETE", sessionPath(id), null);
    }

    /**
     * Runs a command and returns its ExecResponse, also when the server refused it: a policy deny
     * comes back as 403 with a full ExecResponse, which is an answer, not an error.
     */
    public JsonNode exec(String id, ObjectNode execRequest, Duration timeout) {
        String path = sessionPath(id) + "/exec";
        try (HttpResponse response = send("POST", path, execRequest, Map.of(), timeout)) {
            String body = response.text();
            if (response.isSuccess()) {
                return parse("POST", path, body);
            }
            JsonNode refusal = execResponse(body);
            if (refusal != null) {
                return refusal;
            }
            throw new ApiException("POST", path, response.status(), body);
        }
    }

    /**
     * Runs a command, handing each {@code stdout}/{@code stderr} chunk to {@code output} as it arrives.
     * {@code timeout} bounds the wait for the stream to start, not the run: output that keeps coming
     * shows the command is alive.
     */
    public StreamEnd execStream(String id, ObjectNode execRequest, Duration timeout, BiConsumer<String, String> output) {
        String path = sessionPath(id) + "/exec/stream";
        try (HttpResponse response = send("POST", path, execRequest, Map.of("Accept", "text/event-stream"), timeout)) {
            if (!response.isSuccess()) {
                String body = response.text();
                JsonNode refusal = execResponse(body);
                if (refusal != null) {
                    return new StreamEnd.Refused(refusal);
                }
                throw new ApiException("POST", path, response.status(), body);
            }
            response.noDeadline();
            Iterator<Sse.Event> events = Sse.events(response.lines());
            while (events.hasNext()) {
                Sse.Event event = events.next();
                JsonNode frame = parse("POST", path, event.data());
                switch (event.name()) {
                    case "stdout", "stderr" -> output.accept(event.name(), frame.path("data").asText());
                    case "done" -> {
                        return new StreamEnd.Done(frame.path("exit_code").asInt(), frame.path("duration_ms").asLong());
                    }
                    default -> {
                        // frames added by newer servers are not ours to interpret
                    }
                }
            }
            throw HttpTransport.wentAway("the stream ended before the command finished");
        }
    }

    /** Follows a session's live events, handing each event's JSON to {@code data}, until the server ends the stream. */
    public void tailEvents(String id, Consumer<String> data) {
        String path = sessionPath(id) + "/events";
        try (HttpResponse response = send("GET", path, null, Map.of("Accept", "text/event-stream"), null)) {
            if (!response.isSuccess()) {
                throw new ApiException("GET", path, response.status(), response.text());
            }
            Sse.events(response.lines()).forEachRemaining(event -> data.accept(event.data()));
        }
    }

    /**
     * Opens the session's PTY WebSocket. {@code timeout} bounds the handshake only; the caller sets the
     * deadline of the conversation that follows.
     */
    public WebSocket pty(String id, Duration timeout) {
        return WebSocket.open(http, basePath + sessionPath(id) + "/pty", timeout);
    }

    public JsonNode history(String id, Map<String, String> query) {
        return json("GET", sessionPath(id) + "/history" + queryString(query), null);
    }

    public JsonNode searchEvents(Map<String, String> query) {
        return json("GET", API + "/events/search" + queryString(query), null);
    }

    public JsonNode output(String id, String commandId, Map<String, String> query) {
        return json("GET", sessionPath(id) + "/output/" + segment(commandId) + queryString(query), null);
    }

    public JsonNode approvals() {
        return json("GET", API + "/approvals", null);
    }

    public void resolveApproval(String id, ObjectNode decision) {
        json("POST", API + "/approvals/" + segment(id), decision);
    }

    public JsonNode policyTest(ObjectNode body) {
        return json("POST", API + "/policy/test", body);
    }

    /** Whether {@code GET /health} answers 2xx within {@code timeout}. */
    public boolean healthy(Duration timeout) {
        try (HttpResponse response = send("GET", "/health", null, Map.of(), timeout)) {
            return response.isSuccess();
        } catch (ClientException e) {
            return false;
        }
    }

    @Override
    public void close() {
        // Every request has its own connection, closed when its response has been read.
    }

    /** The first message in a cause chain, else {@code fallback} (the JDK's ConnectException has none at all). */
    static String detail(Throwable e, String fallback) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return fallback;
    }

    private JsonNode json(String method, String path, ObjectNode body) {
        try (HttpResponse response = send(method, path, body, Map.of(), DEFAULT_TIMEOUT)) {
            String text = response.text();
            if (!response.isSuccess()) {
                throw new ApiException(method, path, response.status(), text);
            }
            return parse(method, path, text);
        }
    }

    /** A request with the headers every call carries; a null timeout waits as long as the server streams. */
    private HttpResponse send(String method, String path, ObjectNode body, Map<String, String> headers, Duration timeout) {
        if (body == null) {
            return http.send(method, basePath + path, headers, null, timeout);
        }
        Map<String, String> withType = new HashMap<>(headers);
        withType.put("Content-Type", "application/json");
        return http.send(method, basePath + path, withType, body.toString().getBytes(StandardCharsets.UTF_8), timeout);
    }

    private static JsonNode parse(String method, String path, String body) {
        if (body.isBlank()) {
            return NullNode.getInstance();
        }
        JsonNode json = Json.parseOrNull(body);
        if (json == null) {
            String shown = body.length() > 200 ? body.substring(0, 200) + "..." : body;
            throw new ClientException(method + " " + path + ": the server's answer is not JSON: " + shown.strip());
        }
        return json;
    }

    /** An error body that is an ExecResponse (it names its command and session), else null. */
    private static JsonNode execResponse(String body) {
        JsonNode json = Json.parseOrNull(body);
        boolean named = json != null && !json.path("command_id").asText().isEmpty() && !json.path("session_id").asText().isEmpty();
        return named ? json : null;
    }

    private static String sessionPath(String id) {
        return API + "/sessions/" + segment(id);
    }

    /** Percent-encodes a path segment, so an id can never reach another route. */
    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String queryString(Map<String, String> query) {
        if (query.isEmpty()) {
            return "";
        }
        return query.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&", "?", ""));
    }
}
