package dev.agentsh.server.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A connection's buffered input: request heads and chunk-size lines are read line by line, bodies
 * and WebSocket frames as bytes. What a pipelining client sent ahead stays buffered for the next
 * request.
 */
final class WireInput extends InputStream {
    private final ReadableByteChannel channel;
    private final byte[] buffer = new byte[16 * 1024];
    private int pos;
    private int end;

    WireInput(ReadableByteChannel channel) {
        this.channel = channel;
    }

    /** Waits until at least one byte is buffered; false at end of stream. */
    boolean awaitByte() throws IOException {
        return pos < end || fill() > 0;
    }

    /**
     * One line without its line ending (CRLF, or a bare LF, which RFC 9112 lets a server accept),
     * decoded as ISO-8859-1; null at end of stream before the line's first byte.
     *
     * @throws HttpError with {@code tooLongStatus} once the line exceeds {@code max} bytes
     */
    String readLine(int max, int tooLongStatus, String tooLongMessage) throws IOException {
        byte[] line = null;
        int length = 0;
        while (true) {
            if (pos == end && fill() <= 0) {
                if (length == 0) {
                    return null;
                }
                throw new EOFException("connection closed in the middle of a line");
            }
            int lf = pos;
            while (lf < end && buffer[lf] != '\n') {
                lf++;
            }
            int n = lf - pos;
            if (length + n > max) {
                throw new HttpError(tooLongStatus, tooLongMessage);
            }
            if (line == null && lf < end) {
                // The common case: the whole line is in the buffer.
                String s = new String(buffer, pos, stripCr(buffer, pos, n), StandardCharsets.ISO_8859_1);
                pos = lf + 1;
                return s;
            }
            if (line == null) {
                line = new byte[Math.max(256, n * 2)];
            } else if (line.length < length + n) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
            }
            System.arraycopy(buffer, pos, line, length, n);
            length += n;
            if (lf < end) {
                pos = lf + 1;
                return new String(line, 0, stripCr(line, 0, length), StandardCharsets.ISO_8859_1);
            }
            pos = end;
        }
    }

    private static int stripCr(byte[] bytes, int from, int length) {
        return length > 0 && bytes[from + length - 1] == '\r' ? length - 1 : length;
    }

    @Override
    public int read() throws IOException {
        if (pos == end && fill() <= 0) {
            return -1;
        }
        return buffer[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == end) {
            if (len >= buffer.length) {
                // A large read gains nothing from the buffer.
                return channel.read(ByteBuffer.wrap(b, off, len));
            }
            if (fill() <= 0) {
                return -1;
            }
        }
        int n = Math.min(len, end - pos);
        System.arraycopy(buffer, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return end - pos;
    }

    private int fill() throws IOException {
        int n = channel.read(ByteBuffer.wrap(buffer));
        pos = 0;
        end = Math.max(n, 0);
        return n;
    }
}
