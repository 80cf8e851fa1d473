package dev.agentsh.cli.client;

import dev.agentsh.policy.load.GoDurations;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small blocking HTTP/1.1 client for the agentsh API, one {@link Connection} per request: the CLI
 * makes one to three requests per run, so keeping connections alive would gain nothing. It replaces
 * the JDK's HttpClient, which costs a CLI run more to start than the request itself, and which cannot
 * speak over a unix socket.
 *
 * <p>Failures are classified once, here: {@link ServerUnreachableException} when no connection could
 * be made, a timeout message when the deadline closed the connection, and "went away" when the
 * connection died in the middle of the exchange.
 */
final class HttpTransport {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final URI server;
    private final Map<String, String> commonHeaders;

    /** {@code commonHeaders} go with every request (the API key, the trace parent). */
    HttpTransport(URI server, Map<String, String> commonHeaders) {
        this.server = server;
        this.commonHeaders = Map.copyOf(commonHeaders);
    }

    /**
     * Sends a request and reads the status line and headers. The deadline, {@code timeout} from now
     * (null: none), covers connecting, sending and the whole response; a caller that streams the
     * body may {@link HttpResponse#noDeadline() lift it} once the headers are in.
     */
    HttpResponse send(String method, String target, Map<String, String> headers, byte[] body, Duration timeout) {
        long start = System.nanoTime();
        Duration connectWait = timeout == null || timeout.compareTo(CONNECT_TIMEOUT) > 0 ? CONNECT_TIMEOUT : timeout;
        Connection connection = Connection.open(server, connectWait);
        if (timeout != null) {
            Duration left = timeout.minusNanos(System.nanoTime() - start);
            connection.expireAfter(left.isNegative() ? Duration.ZERO : left);
        }
        HttpResponse response;
        try {
            connection.output().write(head(method, target, headers, body));
            if (body != null) {
                connection.output().write(body);
            }
            response = HttpResponse.read(connection, method, timeout);
        } catch (IOException e) {
            connection.close();
            throw failure(connection, timeout, e);
        }
        return response;
    }

    private byte[] head(String method, String target, Map<String, String> headers, byte[] body) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Host", Connection.hostHeader(server));
        all.put("User-Agent", "agentsh-cli");
        all.putAll(commonHeaders);
        all.putAll(headers);
        if (body != null) {
            all.put("Content-Length", Integer.toString(body.length));
        }
        if (!all.containsKey("Connection")) {
            all.put("Connection", "close");
        }
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        all.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** What an I/O failure on {@code connection} means to the user: the deadline passed, or the server went away. */
    static ClientException failure(Connection connection, Duration timeout, Throwable e) {
        if (connection.expired()) {
            String waited = timeout == null ? "the allowed time" : GoDurations.format(timeout);
            return new ClientException("no response from the server within " + waited
                    + "; the request may still be running there (for exec, raise --client-timeout)");
        }
        return wentAway(ApiClient.detail(e, "connection closed"));
    }

    static ClientException wentAway(String why) {
        return new ClientException("the server went away during the request (" + why + "); check its log");
    }

    /** Reads one CRLF- (or LF-) terminated line as Latin-1, as header and chunk-size lines are. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new EOFException("the connection closed before the response was complete");
            }
            if (line.size() >= MAX_HEADER_BYTES) {
                throw new IOException("a response header line is longer than " + MAX_HEADER_BYTES + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
