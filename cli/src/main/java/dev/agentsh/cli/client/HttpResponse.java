package dev.agentsh.cli.client;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A response read by {@link HttpTransport}: status and headers, then a body framed by Content-Length,
 * by chunked transfer coding, or by the server closing the connection. Bodies are read as they
 * arrive, so a stream of server-sent events is handled frame by frame.
 */
final class HttpResponse implements Closeable {
    private final Connection connection;
    private final Duration timeout;
    private final int status;
    private final Map<String, String> headers;
    private final InputStream body;

    private HttpResponse(Connection connection, Duration timeout, int status, Map<String, String> headers, InputStream body) {
        this.connection = connection;
        this.timeout = timeout;
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** Reads the status line and headers; interim 1xx answers other than 101 Switching Protocols are skipped. */
    static HttpResponse read(Connection connection, String method, Duration timeout) throws IOException {
        InputStream in = connection.input();
        while (true) {
            int status = status(HttpTransport.readLine(in));
            Map<String, String> headers = new HashMap<>();
            for (String line = HttpTransport.readLine(in); !line.isEmpty(); line = HttpTransport.readLine(in)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.merge(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip(),
                            (first, second) -> first + ", " + second);
                }
            }
            if (status / 100 == 1 && status != 101) {
                continue;
            }
            return new HttpResponse(connection, timeout, status, headers, body(in, method, status, headers));
        }
    }

    private static int status(String line) throws IOException {
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.1 response: " + (line.length() > 80 ? line.substring(0, 80) + "..." : line));
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + line);
        }
    }

    private static InputStream body(InputStream in, String method, int status, Map<String, String> headers) throws IOException {
        if (status == 101 || status == 204 || status == 304 || "HEAD".equals(method)) {
            return InputStream.nullInputStream();
        }
        String encoding = headers.getOrDefault("transfer-encoding", "");
        if (encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedBody(in);
        }
        String length = headers.get("content-length");
        if (length != null) {
            try {
                return new SizedBody(in, Long.parseLong(length.strip()));
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length: " + length);
            }
        }
        return in; // the server ends the body by closing the connection
    }

    int status() {
        return status;
    }

    boolean isSuccess() {
        return status / 100 == 2;
    }

    /** The header's value (repeated headers joined with ", "), or null. */
    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The whole body as UTF-8 text. */
    String text() {
        try {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** The body's lines, each returned as soon as it has arrived. */
    Iterator<String> lines() {
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        return new Iterator<>() {
            private String next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    try {
                        next = reader.readLine();
                    } catch (IOException e) {
                        throw failure(e);
                    }
                    done = next == null;
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String line = next;
                next = null;
                return line;
            }
        };
    }

    /** Lets a stream run past the request's deadline: output that keeps coming shows the command is alive. */
    void noDeadline() {
        connection.noDeadline();
    }

    /** After 101 Switching Protocols: the connection, now speaking the new protocol. */
    Connection upgraded() {
        if (status != 101) {
            throw new IllegalStateException("not upgraded: " + status);
        }
        return connection;
    }

    private ClientException failure(IOException e) {
        connection.close();
        return HttpTransport.failure(connection, timeout, e);
    }

    @Override
    public void close() {
        connection.close();
    }

    /** A body of Content-Length bytes; a connection that closes before the last one is a failure, not an end. */
    private static final class SizedBody extends InputStream {
        private final InputStream in;
        private long left;

        SizedBody(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n == -1) {
                throw new EOFException("the connection closed " + left + " bytes before the end of the response");
            }
            left -= n;
            return n;
        }
    }

    /** Chunked transfer coding (RFC 9112 §7.1): hex size lines, data, and a zero chunk with optional trailers. */
    private static final class ChunkedBody extends InputStream {
        private final InputStream in;
        private long left;
        private boolean inChunk;
        private boolean ended;

        ChunkedBody(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        /** Returns what the current chunk has, without waiting for the next one: a streamed event must not wait. */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (left == 0 && !ended) {
                nextChunk();
            }
            if (ended) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n == -1) {
                throw new EOFException("the connection closed in the middle of a chunk");
            }
            left -= n;
            return n;
        }

        private void nextChunk() throws IOException {
            if (inChunk) {
                HttpTransport.readLine(in); // the CRLF after the last chunk's data, read only now so that data is not held back
            }
            inChunk = true;
            String line = HttpTransport.readLine(in);
            int extension = line.indexOf(';');
            String size = (extension < 0 ? line : line.substring(0, extension)).strip();
            try {
                left = Long.parseLong(size, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + line);
            }
            if (left < 0) {
                throw new IOException("bad chunk size: " + line);
            }
            if (left == 0) {
                ended = true;
                while (!HttpTransport.readLine(in).isEmpty()) {
                    // trailers carry nothing we use
                }
            }
        }
    }
}
