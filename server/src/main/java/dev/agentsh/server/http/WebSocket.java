package dev.agentsh.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The server side of one WebSocket connection (RFC 6455) after the handshake: whole messages in,
 * text and binary messages out. No extension or subprotocol is negotiated, so every frame is plain.
 * One thread receives while any number of threads send; a ping goes out periodically so that a
 * silent peer is noticed and idle connections survive middleboxes. The connection ends when the
 * route's handler returns.
 */
public final class WebSocket {
    /** One whole message, its fragments joined. */
    public record Message(boolean text, byte[] data) {
    }

    static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    private static final int CONTINUATION = 0x0;
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final int PROTOCOL_ERROR = 1002;
    private static final int INVALID_DATA = 1007;
    private static final int TOO_BIG = 1009;

    private record Frame(boolean fin, int opcode, byte[] payload) {
    }

    /** The peer broke the protocol; it is sent a close frame with this code. */
    private static final class Violation extends Exception {
        final int code;

        Violation(int code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }
    }

    private final InputStream in;
    private final OutputStream out;
    private final IoDeadline readDeadline;
    private final Duration readTimeout;
    private final Object sendLock = new Object();
    private final CountDownLatch closing = new CountDownLatch(1);
    /** Guarded by sendLock: nothing may follow a close frame. */
    private boolean closeSent;
    /** Only the receiving thread's: the conversation is over, receive answers null. */
    private boolean ended;

    WebSocket(InputStream in, OutputStream out, IoDeadline readDeadline, HttpApi.Timeouts timeouts) {
        this.in = in;
        this.out = out;
        this.readDeadline = readDeadline;
        this.readTimeout = timeouts.webSocketRead();
        Duration pingEvery = timeouts.webSocketPing();
        Thread.ofVirtual().name("websocket-ping").start(() -> {
            try {
                while (!closing.await(pingEvery.toMillis(), TimeUnit.MILLISECONDS)) {
                    send(PING, new byte[0], 0, 0);
                }
            } catch (InterruptedException | IOException e) {
                // The connection is going; so is the pinger.
            }
        });
    }

    /**
     * The next whole message, waiting for it; null once the conversation is over: the peer closed
     * (its close frame is answered), dropped the connection, or broke the protocol (it is sent a
     * close frame saying how). Pings are answered with pongs along the way.
     *
     * @throws IOException if no frame arrived within the read timeout, or the connection failed
     */
    public Message receive() throws IOException {
        if (ended) {
            return null;
        }
        try {
            Message m = nextMessage();
            if (m == null) {
                ended = true;
            }
            return m;
        } catch (Violation v) {
            ended = true;
            close(v.code, v.getMessage());
            return null;
        }
    }

    public void sendText(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        send(TEXT, bytes, 0, bytes.length);
    }

    public void sendBinary(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        send(BINARY, b, off, len);
    }

    /**
     * Sends a close frame (once; later calls do nothing). Messages may still arrive until the
     * peer's close frame, after which {@link #receive()} answers null.
     *
     * @param reason at most 123 bytes of it are sent
     */
    public void close(int code, String reason) throws IOException {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, 123);
        byte[] payload = new byte[2 + n];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, n);
        sendClose(payload);
    }

    private void sendClose(byte[] payload) throws IOException {
        synchronized (sendLock) {
            if (closeSent) {
                return;
            }
            send(CLOSE, payload, 0, payload.length);
            closeSent = true;
        }
        closing.countDown();
    }

    private void send(int opcode, byte[] b, int off, int len) throws IOException {
        byte[] header = new byte[10];
        header[0] = (byte) (0x80 | opcode);
        int n;
        if (len < 126) {
            header[1] = (byte) len;
            n = 2;
        } else if (len <= 0xFFFF) {
            header[1] = 126;
            header[2] = (byte) (len >> 8);
            header[3] = (byte) len;
            n = 4;
        } else {
            header[1] = 127;
            for (int i = 0; i < 8; i++) {
                header[2 + i] = (byte) ((long) len >> (56 - 8 * i));
            }
            n = 10;
        }
        synchronized (sendLock) {
            if (closeSent) {
                throw new IOException("websocket closed");
            }
            out.write(header, 0, n);
            out.write(b, off, len);
            out.flush();
        }
    }

    /** After the handler returned: the close frame (1011 if the handler failed), unless one went out already. */
    void finish(boolean handlerFailed) {
        try {
            close(handlerFailed ? 1011 : 1000, handlerFailed ? "internal error" : "");
        } catch (IOException e) {
            // The connection is closed next either way.
        } finally {
            closing.countDown();
        }
    }

    /** Frames until a whole message; null when the peer closed. */
    private Message nextMessage() throws IOException, Violation {
        ByteArrayOutputStream fragments = null;
        boolean text = false;
        while (true) {
            Frame f = readFrame(fragments == null ? 0 : fragments.size());
            if (f == null) {
                return null;
            }
            switch (f.opcode()) {
                case PING -> {
                    synchronized (sendLock) {
                        // After our close frame nothing may be sent, a pong included.
                        if (!closeSent) {
                            send(PONG, f.payload(), 0, f.payload().length);
                        }
                    }
                }
                case PONG -> {
                    // The answer to our ping: the peer is alive, which reading it already showed.
                }
                case CLOSE -> {
                    sendClose(closeReply(f.payload()));
                    return null;
                }
                case TEXT, BINARY -> {
                    if (fragments != null) {
                        throw new Violation(PROTOCOL_ERROR, "expected a continuation frame");
                    }
                    text = f.opcode() == TEXT;
                    if (f.fin()) {
                        return message(text, f.payload());
                    }
                    fragments = new ByteArrayOutputStream();
                    fragments.writeBytes(f.payload());
                }
                case CONTINUATION -> {
                    if (fragments == null) {
                        throw new Violation(PROTOCOL_ERROR, "continuation frame without a message");
                    }
                    fragments.writeBytes(f.payload());
                    if (f.fin()) {
                        return message(text, fragments.toByteArray());
                    }
                }
                default -> throw new Violation(PROTOCOL_ERROR, "unknown opcode " + f.opcode());
            }
        }
    }

    private static Message message(boolean text, byte[] data) throws Violation {
        if (text) {
            try {
                StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(data));
            } catch (CharacterCodingException e) {
                throw new Violation(INVALID_DATA, "text message is not UTF-8");
            }
        }
        return new Message(text, data);
    }

    /** The answer to a peer's close frame: its status code echoed (RFC 6455 §5.5.1), or an empty close. */
    private static byte[] closeReply(byte[] payload) throws Violation {
        if (payload.length == 0) {
            return payload;
        }
        int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        boolean valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
        if (payload.length == 1 || !valid) {
            throw new Violation(PROTOCOL_ERROR, "invalid close frame");
        }
        return new byte[] {payload[0], payload[1]};
    }

    /**
     * One frame, unmasked, within the size limit; null if the peer closed the connection first.
     *
     * @param buffered bytes of the message so far, which count against the size limit
     */
    private Frame readFrame(int buffered) throws IOException, Violation {
        readDeadline.within(readTimeout);
        try {
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            int b1 = readByte();
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            if ((b0 & 0x70) != 0) {
                throw new Violation(PROTOCOL_ERROR, "reserved bits set");
            }
            if ((b1 & 0x80) == 0) {
                throw new Violation(PROTOCOL_ERROR, "client frames must be masked");
            }
            long length = b1 & 0x7F;
            if (length == 126) {
                length = (readByte() << 8) | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte();
                }
            }
            boolean control = (opcode & 0x8) != 0;
            if (control && (!fin || length > 125)) {
                throw new Violation(PROTOCOL_ERROR, "fragmented or oversized control frame");
            }
            if (length < 0 || length > MAX_MESSAGE_BYTES - buffered) {
                throw new Violation(TOO_BIG, "message larger than " + MAX_MESSAGE_BYTES + " bytes");
            }
            byte[] mask = readExactly(4);
            byte[] payload = readExactly((int) length);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            return new Frame(fin, opcode, payload);
        } finally {
            readDeadline.clear();
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("connection closed inside a websocket frame");
        }
        return b;
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new IOException("connection closed inside a websocket frame");
        }
        return bytes;
    }
}
