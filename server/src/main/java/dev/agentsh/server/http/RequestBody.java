package dev.agentsh.server.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A request's body, framed as its head says (Content-Length or chunked) so that reading never runs
 * into the next pipelined request. A client that sent {@code Expect: 100-continue} gets its
 * {@code 100 Continue} on the first read, and only then sends the body.
 */
final class RequestBody extends InputStream {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_CHUNK_LINE = 4 * 1024;

    private final WireInput in;
    private final OutputStream out;
    private final IoDeadline readDeadline;
    private final Duration readTimeout;
    private final boolean chunked;
    /** Bytes left in the fixed-length body or in the current chunk. */
    private long remaining;
    private boolean finished;
    /** The framing was broken: where this body ends, and the next request starts, is unknown. */
    private boolean malformed;
    private boolean continuePending;

    RequestBody(RequestHead head, WireInput in, OutputStream out, IoDeadline readDeadline, Duration readTimeout) {
        this.in = in;
        this.out = out;
        this.readDeadline = readDeadline;
        this.readTimeout = readTimeout;
        this.chunked = head.bodyLength() == RequestHead.CHUNKED;
        this.remaining = chunked ? 0 : head.bodyLength();
        this.finished = !chunked && remaining == 0;
        this.continuePending = !finished && head.http11() && head.hasToken("Expect", "100-continue");
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (finished) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (continuePending) {
            continuePending = false;
            out.write(CONTINUE);
            out.flush();
        }
        readDeadline.within(readTimeout);
        try {
            if (chunked && remaining == 0 && !startChunk()) {
                finished = true;
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed inside the request body");
            }
            remaining -= n;
            if (remaining == 0) {
                if (chunked) {
                    endChunk();
                } else {
                    finished = true;
                }
            }
            return n;
        } catch (HttpError e) {
            malformed = true;
            throw e;
        } finally {
            readDeadline.clear();
        }
    }

    /** Reads a chunk-size line; false for the last chunk, whose trailer section is read and dropped. */
    private boolean startChunk() throws IOException {
        String line = in.readLine(MAX_CHUNK_LINE, 400, "chunk size line too long");
        if (line == null) {
            throw new EOFException("connection closed inside the request body");
        }
        int semicolon = line.indexOf(';');
        String size = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
        if (size.isEmpty() || size.length() > 15 || !size.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new HttpError(400, "malformed chunked body");
        }
        remaining = Long.parseLong(size, 16);
        if (remaining == 0) {
            RequestHead.readFields(in);
            return false;
        }
        return true;
    }

    private void endChunk() throws IOException {
        String crlf = in.readLine(2, 400, "malformed chunked body");
        if (crlf == null || !crlf.isEmpty()) {
            throw new HttpError(400, "malformed chunked body");
        }
    }

    /** Request bodies are closed by the connection, which drains what the handler left unread. */
    @Override
    public void close() {
    }

    /**
     * Forgets an unanswered {@code Expect: 100-continue} because a final response is being sent
     * instead; true if the client was still waiting, so its body may or may not follow and the
     * connection cannot be reused.
     */
    boolean cancelContinue() {
        boolean pending = continuePending;
        continuePending = false;
        return pending;
    }

    /** Reads and drops what the handler left unread, up to {@code limit} bytes; true if the body is now complete. */
    boolean drain(long limit) {
        if (malformed) {
            return false;
        }
        byte[] sink = new byte[8 * 1024];
        long left = limit;
        try {
            while (!finished && left > 0) {
                int n = read(sink, 0, (int) Math.min(sink.length, left));
                if (n > 0) {
                    left -= n;
                }
            }
            return finished;
        } catch (IOException | HttpError e) {
            return false;
        }
    }
}
