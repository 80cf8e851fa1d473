package dev.agentsh.server.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The API's HTTP/1.1 server: accepts on TCP and on a unix socket alike, authenticates, routes, and
 * turns handler results and errors into responses. Every connection runs on its own virtual
 * thread, so a request waiting minutes for an approval costs nothing. Our own server rather than
 * the JDK's: that one can neither switch a connection to WebSocket nor accept on a unix socket.
 */
public final class HttpApi {
    /** @param apiKeys empty = auth off (only allowed on loopback, which the config enforces) */
    public record Settings(InetSocketAddress address, long maxRequestBytes, String apiKeyHeader, List<ApiKey> apiKeys,
                           String healthPath, String readyPath) {
    }

    /**
     * @param header        for a request's head, from its first byte
     * @param idle          for the next request on a kept-alive connection, each body read, and each write
     * @param webSocketRead for the next frame while a WebSocket handler waits for a message
     * @param webSocketPing between pings on an open WebSocket
     */
    record Timeouts(Duration header, Duration idle, Duration webSocketRead, Duration webSocketPing) {
        static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofSeconds(54));
    }

    /** How long {@link #stop()} lets requests in progress finish. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(1);
    /** How often I/O deadlines are enforced: their resolution. */
    private static final Duration SWEEP_EVERY = Duration.ofMillis(250);

    private final Settings settings;
    private final Router router;
    private final Timeouts timeouts;
    private final List<ServerSocketChannel> listeners = new CopyOnWriteArrayList<>();
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;
    private InetSocketAddress address;
    private UnixSocketFile unixSocket;

    public HttpApi(Settings settings, Router router) {
        this(settings, router, Timeouts.DEFAULT);
    }

    HttpApi(Settings settings, Router router, Timeouts timeouts) {
        this.settings = settings;
        this.router = router;
        this.timeouts = timeouts;
    }

    public void start() throws IOException {
        ServerSocketChannel tcp = ServerSocketChannel.open();
        tcp.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        tcp.bind(settings.address(), 128);
        address = (InetSocketAddress) tcp.getLocalAddress();
        accept(tcp);
        Thread.ofVirtual().name("http-deadlines").start(this::sweepDeadlines);
    }

    /**
     * Also serves the API on a unix socket at {@code path}, with that file mode. A stale socket file
     * is replaced; one another server still answers on is an error.
     */
    public void listenOnUnixSocket(Path path, Set<PosixFilePermission> permissions) throws IOException {
        unixSocket = UnixSocketFile.bind(path, permissions);
        accept(unixSocket.channel());
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Stops accepting, lets requests in progress finish for a moment, then closes every connection. */
    public void stop() {
        stopped = true;
        for (ServerSocketChannel listener : listeners) {
            try {
                listener.close();
            } catch (IOException e) {
                // Closing a listener fails only if it is already unusable.
            }
        }
        if (unixSocket != null) {
            try {
                unixSocket.close();
            } catch (IOException e) {
                // A socket file left behind is replaced by the next server as stale.
            }
        }
        connections.forEach(HttpConnection::closeWhenIdle);
        long until = System.nanoTime() + STOP_GRACE.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < until) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.forEach(HttpConnection::close);
    }

    private void accept(ServerSocketChannel listener) {
        listeners.add(listener);
        Thread.ofVirtual().name("http-accept").start(() -> {
            while (!stopped) {
                SocketChannel channel;
                try {
                    channel = listener.accept();
                    if (channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
                        // Responses are written whole; Nagle would only hold back a 100 Continue or an event.
                        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    }
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    // Out of file descriptors and the like passes as connections close: pause, do not stop serving.
                    pause(Duration.ofMillis(100));
                    continue;
                }
                HttpConnection connection = new HttpConnection(channel, timeouts, this::dispatch);
                connections.add(connection);
                Thread.ofVirtual().name("http-connection").start(() -> {
                    try {
                        connection.run();
                    } finally {
                        connections.remove(connection);
                    }
                });
            }
        });
    }

    private void sweepDeadlines() {
        while (!stopped) {
            long now = System.nanoTime();
            connections.forEach(c -> c.enforceDeadlines(now));
            pause(SWEEP_EVERY);
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(Exchange exchange) {
        try {
            String path = exchange.head().path();
            String method = exchange.head().method();
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
            String origin = exchange.head().header("Origin");
            if (origin != null) {
                // Browsers send Origin on cross-site requests, and some (a text/plain POST, a WebSocket) need no
                // preflight: without this, any web page open on the machine could run commands through the API.
                // agentsh's clients never send it.
                sendJson(exchange, 403, Map.of("error", "requests from web pages are refused (Origin: " + origin + ")"));
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
            } else if (!exchange.responseStarted()) {
                sendJson(exchange, 500, Map.of("error", "the handler sent no response"));
            }
        } catch (HttpError e) {
            quietly(exchange, e.status(), e.getMessage());
        } catch (Exception e) {
            quietly(exchange, 500, e.toString());
        }
    }

    private String forbidden(Request.Role needed) {
        if (settings.apiKeys().isEmpty()) {
            return "approvals endpoints require auth (set auth.type=api_key and use separate agent/approver keys)";
        }
        return "this endpoint needs the " + needed.name().toLowerCase() + " role";
    }

    /** The caller's role, or null for a missing or unknown key. With auth off every caller is admin of the agent routes. */
    private Request.Role authenticate(Exchange exchange) {
        if (settings.apiKeys().isEmpty()) {
            return Request.Role.ADMIN;
        }
        String presented = exchange.head().header(settings.apiKeyHeader());
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

    private static void quietly(Exchange exchange, int status, String message) {
        if (exchange.responseStarted()) {
            // Part of a stream or a WebSocket went out already: it ends abruptly rather than looking complete.
            exchange.abandon();
            return;
        }
        try {
            sendJson(exchange, status, Map.of("error", message));
        } catch (IOException e) {
            // The client went away; nothing more can be said.
        }
    }

    private static void send(Exchange exchange, Response r) throws IOException {
        if (r.json() != null) {
            sendJson(exchange, r.status(), r.json());
        } else {
            exchange.respond(r.status(), Map.of(), null);
        }
    }

    private static void sendJson(Exchange exchange, int status, Object body) throws IOException {
        exchange.respond(status, Map.of("Content-Type", "application/json"), Json.responseBody(body));
    }

    private static void sendText(Exchange exchange, int status, String text) throws IOException {
        exchange.respond(status, Map.of("Content-Type", "text/plain; charset=utf-8"), text.getBytes(StandardCharsets.UTF_8));
    }
}
