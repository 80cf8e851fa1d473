package dev.agentsh.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A stand-in agentsh server on 127.0.0.1: routes answer with queued responses (the last one repeats),
 * and every request is recorded for the test to inspect.
 */
final class FakeServer implements AutoCloseable {
    record Request(String method, String path, String query, Map<String, String> headers, String body) {
        JsonNode json() {
            return Json.parseOrNull(body);
        }

        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final Map<String, Deque<Handler>> routes = new HashMap<>();
    private final List<Request> requests = new ArrayList<>();

    FakeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::dispatch);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues a JSON answer for {@code METHOD path}. */
    FakeServer respond(String method, String path, int status, String json) {
        return handle(method, path, exchange -> send(exchange, status, "application/json", json));
    }

    synchronized FakeServer handle(String method, String path, Handler handler) {
        routes.computeIfAbsent(method + " " + path, k -> new ArrayDeque<>()).add(handler);
        return this;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The one request made, failing the test if there were others. */
    Request only() {
        List<Request> all = requests();
        if (all.size() != 1) {
            throw new AssertionError("expected one request, got " + all);
        }
        return all.getFirst();
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Server-sent events: each pair is (event name, data). */
    static Handler sse(String... nameAndData) {
        return exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < nameAndData.length; i += 2) {
                    String frame = (nameAndData[i] == null ? "" : "event: " + nameAndData[i] + "\n") + "data: " + nameAndData[i + 1] + "\n\n";
                    out.write(frame.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        };
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath();
        Handler handler;
        synchronized (this) {
            requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(), headers, body));
            Deque<Handler> queue = routes.get(exchange.getRequestMethod() + " " + path);
            handler = queue == null ? null : queue.size() > 1 ? queue.poll() : queue.peek();
        }
        if (handler == null) {
            send(exchange, 404, "application/json", "{\"error\":\"no such route in the fake server\"}");
            return;
        }
        handler.handle(exchange);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
