package dev.agentsh.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP listener: authenticates, routes, turns handler results and errors into responses.
 * Every request runs on its own virtual thread, so a request waiting minutes for an approval
 * costs nothing.
 */
public final class HttpApi {
    /** @param apiKeys empty = auth off (only allowed on loopback, which the config enforces) */
    public record Settings(InetSocketAddress address, long maxRequestBytes, String apiKeyHeader, List<ApiKey> apiKeys,
                           String healthPath, String readyPath) {
    }

    private final Settings settings;
    private final Router router;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private HttpServer server;

    public HttpApi(Settings settings, Router router) {
        this.settings = settings;
        this.router = router;
    }

    public void start() throws IOException {
        server = HttpServer.create(settings.address(), 128);
        server.setExecutor(threads);
        server.createContext("/", this::dispatch);
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    public void stop() {
        if (server != null) {
            server.stop(1);
        }
        threads.close();
    }

    private void dispatch(HttpExchange exchange) {
        // Not try-with-resources: that would close the exchange before the catch blocks could answer.
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals(settings.healthPath())) {
                sendText(exchange, 200, "ok\n");
                return;
            }
            if (method.equals("GET") && path.equals(settings.readyPath())) {
                sendText(exchange, 200, "ready\n");
                return;
            }
            boolean[] otherMethod = {false};
            Router.Match match = router.match(method, path, otherMethod);
            if (match == null) {
                sendJson(exchange, otherMethod[0] ? 405 : 404, Map.of("error", otherMethod[0] ? "method not allowed" : "not found"));
                return;
            }
            Request.Role role = authenticate(exchange);
            if (role == null) {
                sendJson(exchange, 401, Map.of("error", "unauthorized"));
                return;
            }
            // Without auth every caller, the agent included, would be an approver: it could approve itself.
            boolean authOff = settings.apiKeys().isEmpty();
            if ((authOff && match.route().needs() != Request.Role.AGENT) || role.compareTo(match.route().needs()) < 0) {
                sendJson(exchange, 403, Map.of("error", forbidden(match.route().needs())));
                return;
            }
            Response response = match.route().handler().handle(new Request(exchange, match.params(), role, settings.maxRequestBytes()));
            if (response != null) {
                send(exchange, response);
            }
        } catch (HttpError e) {
            quietly(exchange, e.status(), e.getMessage());
        } catch (Exception e) {
            quietly(exchange, 500, e.toString());
        } finally {
            exchange.close();
        }
    }

    private String forbidden(Request.Role needed) {
        if (settings.apiKeys().isEmpty()) {
            return "approvals endpoints require auth (set auth.type=api_key and use separate agent/approver keys)";
        }
        return "this endpoint needs the " + needed.name().toLowerCase() + " role";
    }

    /** The caller's role, or null for a missing or unknown key. With auth off every caller is admin of the agent routes. */
    private Request.Role authenticate(HttpExchange exchange) {
        if (settings.apiKeys().isEmpty()) {
            return Request.Role.ADMIN;
        }
        String presented = exchange.getRequestHeaders().getFirst(settings.apiKeyHeader());
        if (presented == null) {
            return null;
        }
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        for (ApiKey k : settings.apiKeys()) {
            // Constant-time comparison: the key is a secret.
            if (MessageDigest.isEqual(given, k.key().getBytes(StandardCharsets.UTF_8))) {
                return k.role();
            }
        }
        return null;
    }

    private static void quietly(HttpExchange exchange, int status, String message) {
        try {
            sendJson(exchange, status, Map.of("error", message));
        } catch (IOException | RuntimeException ignored) {
            // The client went away or headers were already sent (streaming); nothing more can be said.
        }
    }

    static void send(HttpExchange exchange, Response r) throws IOException {
        if (r.json() != null) {
            sendJson(exchange, r.status(), r.json());
        } else {
            exchange.sendResponseHeaders(r.status(), -1);
        }
    }

    public static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
