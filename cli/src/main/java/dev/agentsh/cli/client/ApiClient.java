package dev.agentsh.cli.client;

import dev.agentsh.policy.load.GoDurations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The agentsh HTTP API, one method per route the CLI uses. Every failure surfaces as a
 * {@link ClientException}: {@link ServerUnreachableException} when nothing accepts the connection,
 * {@link ApiException} for an error status, and a "went away" message when the connection dies.
 */
public final class ApiClient implements AutoCloseable {
    /** Every request but exec waits this long, as in the original. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final String API = "/api/v1";

    /** How a streamed exec ended: its done frame, or the ExecResponse of a server that refused to run it. */
    public sealed interface StreamEnd {
        record Done(int exitCode, long durationMs) implements StreamEnd {
        }

        record Refused(JsonNode response) implements StreamEnd {
        }
    }

    private final URI server;
    private final String base;
    private final String apiKey;
    private final String traceparent;
    private final HttpClient http;

    public ApiClient(URI server, String apiKey, String traceparent) {
        this.server = server;
        this.base = server.toString().replaceAll("/+$", "");
        this.apiKey = apiKey;
        this.traceparent = traceparent;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
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
        HttpResponse<String> response = send(request("POST", path, execRequest, timeout).build(), BodyHandlers.ofString());
        if (isSuccess(response.statusCode())) {
            return parse("POST", path, response.body());
        }
        JsonNode refusal = execResponse(response.body());
        if (refusal != null) {
            return refusal;
        }
        throw new ApiException("POST", path, response.statusCode(), response.body());
    }

    /**
     * Runs a command, handing each {@code stdout}/{@code stderr} chunk to {@code output} as it arrives.
     * {@code timeout} bounds the wait for the stream to start, not the run: output that keeps coming
     * shows the command is alive.
     */
    public StreamEnd execStream(String id, ObjectNode execRequest, Duration timeout, BiConsumer<String, String> output) {
        String path = sessionPath(id) + "/exec/stream";
        HttpRequest streaming = request("POST", path, execRequest, timeout).header("Accept", "text/event-stream").build();
        HttpResponse<Stream<String>> response = send(streaming, BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            if (!isSuccess(response.statusCode())) {
                String body = lines.collect(Collectors.joining("\n"));
                JsonNode refusal = execResponse(body);
                if (refusal != null) {
                    return new StreamEnd.Refused(refusal);
                }
                throw new ApiException("POST", path, response.statusCode(), body);
            }
            Iterator<Sse.Event> events = Sse.events(lines.iterator());
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
            throw new ClientException("the server went away during the request (the stream ended before the command finished); check its log");
        } catch (UncheckedIOException e) {
            throw wentAway(e.getCause());
        }
    }

    /** Follows a session's live events, handing each event's JSON to {@code data}, until the server ends the stream. */
    public void tailEvents(String id, Consumer<String> data) {
        String path = sessionPath(id) + "/events";
        HttpRequest streaming = request("GET", path, null, null).header("Accept", "text/event-stream").build();
        HttpResponse<Stream<String>> response = send(streaming, BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            if (!isSuccess(response.statusCode())) {
                throw new ApiException("GET", path, response.statusCode(), lines.collect(Collectors.joining("\n")));
            }
            Sse.events(lines.iterator()).forEachRemaining(event -> data.accept(event.data()));
        } catch (UncheckedIOException e) {
            throw wentAway(e.getCause());
        }
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
        try {
            return isSuccess(send(request("GET", "/health", null, timeout).build(), BodyHandlers.discarding()).statusCode());
        } catch (ClientException e) {
            return false;
        }
    }

    @Override
    public void close() {
        // Every call is synchronous and complete by now; nothing is left to wait for.
        http.shutdownNow();
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
        HttpResponse<String> response = send(request(method, path, body, DEFAULT_TIMEOUT).build(), BodyHandlers.ofString());
        if (!isSuccess(response.statusCode())) {
            throw new ApiException(method, path, response.statusCode(), response.body());
        }
        return parse(method, path, response.body());
    }

    /** A request with the headers every call carries; a null timeout waits as long as the server streams. */
    private HttpRequest.Builder request(String method, String path, ObjectNode body, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                    .header("Content-Type", "application/json");
        }
        if (timeout != null) {
            builder.timeout(timeout);
        }
        if (apiKey != null) {
            builder.header("X-API-Key", apiKey);
        }
        if (traceparent != null) {
            builder.header("Traceparent", traceparent);
        }
        return builder;
    }

    private <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new ServerUnreachableException(base, detail(e, "connection refused"));
        } catch (HttpTimeoutException e) {
            String waited = request.timeout().map(GoDurations::format).orElse("the allowed time");
            throw new ClientException("no response from the server within " + waited
                    + "; the request may still be running there (for exec, raise --client-timeout)");
        } catch (IOException e) {
            throw wentAway(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException("interrupted while waiting for the server");
        }
    }

    private static ClientException wentAway(Throwable e) {
        return new ClientException("the server went away during the request (" + detail(e, "connection closed") + "); check its log");
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

    private static boolean isSuccess(int status) {
        return status / 100 == 2;
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
