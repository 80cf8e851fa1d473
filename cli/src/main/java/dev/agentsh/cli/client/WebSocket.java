package dev.agentsh.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * A WebSocket client (RFC 6455) over a {@link Connection}, so over TCP or a unix socket alike. One
 * thread receives while others send: sends are serialized here, and pings are answered as they arrive.
 */
final class WebSocket implements Closeable {
    /** What the server sent: a whole message (fragments joined), or the end of the conversation. */
    sealed interface Message {
        record Text(String text) implements Message {
        }

        record Binary(byte[] data) implements Message {
        }

        /** A close frame ({@code code} 1005 when it carried none). */
        record Closed(int code, String reason) implements Message {
        }
    }

    static final int NORMAL_CLOSURE = 1000;
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;
    /** Far more than a PTY sends at once; a larger length means the stream is not what we think it is. */
    private static final long MAX_MESSAGE = 64L * 1024 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Connection connection;
    private final DataInputStream in;
    private final OutputStream out;
    private boolean closeSent;

    private WebSocket(Connection connection) {
        this.connection = connection;
        this.in = new DataInputStream(connection.input());
        this.out = connection.output();
    }

    /**
     * Upgrades {@code GET path} to a WebSocket, within {@code timeout}. A refusal is an {@link ApiException}
     * with the server's status and body, as for any other route; the deadline is lifted once connected.
     */
    static WebSocket open(HttpTransport http, String path, Duration timeout) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        HttpResponse response = http.send("GET", path, Map.of(
                "Connection", "Upgrade",
                "Upgrade", "websocket",
                "Sec-WebSocket-Version", "13",
                "Sec-WebSocket-Key", key), null, timeout);
        if (response.status() != 101) {
            try (response) {
                throw new ApiException("GET", path, response.status(), response.text());
            }
        }
        String accept = response.header("Sec-WebSocket-Accept");
        if (!"websocket".equalsIgnoreCase(response.header("Upgrade")) || !expectedAccept(key).equals(accept)) {
            response.close();
            throw new ClientException("GET " + path + ": the server's WebSocket handshake is not valid (Upgrade "
                    + response.header("Upgrade") + ", Sec-WebSocket-Accept " + accept + ")");
        }
        Connection connection = response.upgraded();
        connection.noDeadline();
        return new WebSocket(connection);
    }

    /** The Sec-WebSocket-Accept a server must answer to {@code key}: proof that it speaks WebSocket, not a cache replaying. */
    static String expectedAccept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    Connection connection() {
        return connection;
    }

    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        send(TEXT, payload, 0, payload.length);
    }

    void sendBinary(byte[] data, int offset, int length) throws IOException {
        send(BINARY, data, offset, length);
    }

    /**
     * The next message. Pings are answered and pongs dropped on the way; after a close frame (answered
     * too) the conversation is over. A connection that ends without one throws EOFException.
     */
    Message receive() throws IOException {
        ByteArrayOutputStream message = null;
        int messageType = 0;
        while (true) {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            boolean fin = (first & 0x80) != 0;
            int opcode = first & 0x0F;
            if ((first & 0x70) != 0) {
                throw protocolError("reserved bits set without an extension");
            }
            if ((second & 0x80) != 0) {
                throw protocolError("a server frame is masked");
            }
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if (length < 0 || length > MAX_MESSAGE || (message != null && message.size() + length > MAX_MESSAGE)) {
                throw protocolError("a message larger than " + MAX_MESSAGE + " bytes");
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            switch (opcode) {
                case PING -> send(PONG, payload, 0, payload.length);
                case PONG -> {
                    // we send no pings; an unsolicited pong is a heartbeat we may ignore
                }
                case CLOSE -> {
                    int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                    String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                    close(code == 1005 ? NORMAL_CLOSURE : code);
                    return new Message.Closed(code, reason);
                }
                case TEXT, BINARY -> {
                    if (message != null) {
                        throw protocolError("a new message began before the last one ended");
                    }
                    if (fin) {
                        return message(opcode, payload);
                    }
                    messageType = opcode;
                    message = new ByteArrayOutputStream();
                    message.write(payload);
                }
                case CONTINUATION -> {
                    if (message == null) {
                        throw protocolError("a continuation frame without a message");
                    }
                    message.write(payload);
                    if (fin) {
                        return message(messageType, message.toByteArray());
                    }
                }
                default -> throw protocolError("unknown opcode " + opcode);
            }
        }
    }

    private static Message message(int type, byte[] payload) throws IOException {
        if (type == BINARY) {
            return new Message.Binary(payload);
        }
        try {
            return new Message.Text(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload)).toString());
        } catch (CharacterCodingException e) {
            throw protocolError("a text message that is not UTF-8");
        }
    }

    private static IOException protocolError(String what) {
        return new IOException("WebSocket protocol error: " + what);
    }

    /** Sends a close frame once; the server answers with its own and closes the connection. */
    void close(int code) throws IOException {
        byte[] payload = {(byte) (code >> 8), (byte) code};
        send(CLOSE, payload, 0, payload.length);
    }

    /** Client frames are always masked (RFC 6455 §5.3), with a fresh key each. */
    private synchronized void send(int opcode, byte[] data, int offset, int length) throws IOException {
        if (closeSent) {
            if (opcode == CLOSE) {
                return;
            }
            throw new IOException("the WebSocket is closing");
        }
        closeSent = opcode == CLOSE;
        byte[] frame = frame(opcode, data, offset, length, RANDOM.nextInt());
        out.write(frame);
    }

    /** One final frame: header, mask key, masked payload. */
    static byte[] frame(int opcode, byte[] data, int offset, int length, int maskKey) {
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + 4 + length);
        frame.put((byte) (0x80 | opcode));
        if (length < 126) {
            frame.put((byte) (0x80 | length));
        } else if (length <= 0xFFFF) {
            frame.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(length);
        }
        byte[] mask = ByteBuffer.allocate(4).putInt(maskKey).array();
        frame.put(mask);
        for (int i = 0; i < length; i++) {
            frame.put((byte) (data[offset + i] ^ mask[i & 3]));
        }
        return frame.array();
    }

    /** Drops the connection without a closing handshake (after ours, or when the server is gone). */
    @Override
    public void close() {
        connection.close();
    }
}
