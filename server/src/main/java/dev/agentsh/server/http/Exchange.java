package dev.agentsh.server.http;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * One request and the one answer it gets on a connection: a fixed-length response, a chunked
 * stream (server-sent events), or the switch to WebSocket. The connection asks {@link #finish()}
 * afterwards whether it can carry another request.
 */
public final class Exchange {
    /** Unread body bytes worth reading and dropping to keep the connection; beyond that, closing is cheaper. */
    private static final long DRAIN_LIMIT = 64 * 1024;
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private enum State { NEW, RESPONDED, STREAMING, UPGRADED }

    private record Date(long second, String text) {
    }

    private static volatile Date date = new Date(-1, "");

    private final RequestHead head;
    private final WireInput in;
    private final OutputStream out;
    private final IoDeadline readDeadline;
    private final HttpApi.Timeouts timeouts;
    private final RequestBody body;
    private State state = State.NEW;
    private boolean keepAlive;
    private ChunkedOutput chunkedStream;
    private boolean abandoned;
    private WebSocket webSocket;

    Exchange(RequestHead head, WireInput in, OutputStream out, IoDeadline readDeadline, HttpApi.Timeouts timeouts) {
        this.head = head;
        this.in = in;
        this.out = out;
        this.readDeadline = readDeadline;
        this.timeouts = timeouts;
        this.body = new RequestBody(head, in, out, readDeadline, timeouts.idle());
        this.keepAlive = head.keepAlive();
    }

    RequestHead head() {
        return head;
    }

    InputStream body() {
        return body;
    }

    boolean responseStarted() {
        return state != State.NEW;
    }

    /** A fixed-length response; {@code content} null for none (204, or an empty body). */
    void respond(int status, Map<String, String> headers, byte[] content) throws IOException {
        startResponse(State.RESPONDED);
        boolean bodyless = status == 204 || status == 304;
        writeHead(status, headers, bodyless ? null : "Content-Length: " + (content == null ? 0 : content.length));
        if (content != null && !bodyless && !head.method().equals("HEAD")) {
            out.write(content);
        }
        out.flush();
    }

    /**
     * Starts a streamed response and returns its body: every flush reaches the client at once. It is
     * chunked, or for an HTTP/1.0 client ended by closing the connection.
     */
    OutputStream stream(int status, Map<String, String> headers) throws IOException {
        startResponse(State.STREAMING);
        if (!head.http11()) {
            keepAlive = false;
        }
        writeHead(status, headers, head.http11() ? "Transfer-Encoding: chunked" : null);
        out.flush();
        if (head.http11()) {
            chunkedStream = new ChunkedOutput(out);
            return chunkedStream;
        }
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /**
     * Answers a WebSocket opening handshake (RFC 6455 §4.2) with 101 and hands over the connection.
     *
     * @throws HttpError 400 if the request is not a version-13 WebSocket upgrade
     */
    WebSocket upgradeToWebSocket() throws IOException {
        String key = head.header("Sec-WebSocket-Key");
        if (!head.method().equals("GET") || !head.http11() || !head.hasToken("Upgrade", "websocket")
                || !head.hasToken("Connection", "upgrade") || !"13".equals(head.header("Sec-WebSocket-Version"))
                || !isWebSocketKey(key)) {
            throw new HttpError(400, "expected a websocket upgrade");
        }
        startResponse(State.UPGRADED);
        writeHead(101, Map.of("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", accept(key)), null);
        out.flush();
        webSocket = new WebSocket(in, out, readDeadline, timeouts);
        return webSocket;
    }

    /** A key is the base64 of 16 random bytes. */
    private static boolean isWebSocketKey(String key) {
        try {
            return key != null && Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** The handler failed after its response started: the client must not take what it got for a complete answer. */
    void abandon() {
        abandoned = true;
    }

    /**
     * Completes the response after the handler returned and drains what it left of the request
     * body; true if the connection can carry the next request.
     */
    boolean finish() throws IOException {
        if (state == State.UPGRADED) {
            webSocket.finish(abandoned);
            return false;
        }
        if (abandoned) {
            return false;
        }
        if (chunkedStream != null) {
            chunkedStream.end();
        }
        out.flush();
        return keepAlive && body.drain(DRAIN_LIMIT);
    }

    private void startResponse(State next) {
        if (state != State.NEW) {
            throw new IllegalStateException("a response was already sent");
        }
        state = next;
        if (body.cancelContinue()) {
            keepAlive = false;
        }
    }

    /** @param framing the Content-Length or Transfer-Encoding line, or null */
    private void writeHead(int status, Map<String, String> headers, String framing) throws IOException {
        writeHead(out, status, headers, framing, status == 101 ? null : keepAlive ? (head.http11() ? null : "keep-alive") : "close");
    }

    /** @param connection the Connection header's value, or null for none */
    static void writeHead(OutputStream out, int status, Map<String, String> headers, String framing, String connection)
            throws IOException {
        StringBuilder s = new StringBuilder(256);
        s.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        s.append("Date: ").append(date()).append("\r\n");
        headers.forEach((name, value) -> s.append(name).append(": ").append(value).append("\r\n"));
        if (framing != null) {
            s.append(framing).append("\r\n");
        }
        if (connection != null) {
            s.append("Connection: ").append(connection).append("\r\n");
        }
        s.append("\r\n");
        out.write(s.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Formatting a date per response is measurable; it changes once a second. */
    private static String date() {
        long second = System.currentTimeMillis() / 1000;
        Date d = date;
        if (d.second() != second) {
            d = new Date(second, HTTP_DATE.format(Instant.ofEpochSecond(second)));
            date = d;
        }
        return d.text();
    }

    private static String reason(int status) {
        return switch (status) {
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }

    /**
     * Each write is one chunk; the connection writes the last chunk when the handler returns. An
     * event source that outlives the handler (a subscription still delivering) must then fail,
     * not write after the end of the response into what the client reads as the next one.
     */
    private static final class ChunkedOutput extends OutputStream {
        private final OutputStream out;
        private boolean ended;

        ChunkedOutput(OutputStream out) {
            this.out = out;
        }

        synchronized void end() throws IOException {
            ended = true;
            out.write(LAST_CHUNK);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (ended) {
                throw new IOException("the response has ended");
            }
            if (len == 0) {
                // An empty chunk would end the body.
                return;
            }
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b, off, len);
            out.write('\r');
            out.write('\n');
        }

        @Override
        public synchronized void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
