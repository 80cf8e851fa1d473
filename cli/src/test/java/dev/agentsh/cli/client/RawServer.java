package dev.agentsh.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scripted server on a raw socket, TCP or unix: it parses each request and hands it to the test's
 * script, which answers byte by byte as it pleases (chunked, unframed, cut short, a WebSocket). What
 * the JDK's HttpServer cannot do, and what a unix socket needs, lives here.
 */
final class RawServer implements AutoCloseable {
    record Request(String method, String target, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    @FunctionalInterface
    interface Script {
        void answer(Exchange exchange) throws Exception;
    }

    private final ServerSocketChannel server;
    private final String url;
    private final Script script;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());

    private RawServer(ServerSocketChannel server, String url, Script script) {
        this.server = server;
        this.url = url;
        this.script = script;
        Thread.ofPlatform().daemon().name("raw-server").start(this::acceptLoop);
    }

    static RawServer tcp(Script script) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new RawServer(server, "http://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort(), script);
    }

    static RawServer unix(Path socket, Script script) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return new RawServer(server, "unix://" + socket, script);
    }

    String url() {
        return url;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** What went wrong on the server side (a script's assertion, say), for the test to report. */
    List<Throwable> failures() {
        return List.copyOf(failures);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofPlatform().daemon().name("raw-server-connection").start(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            InputStream in = Channels.newInputStream(client);
            OutputStream out = Channels.newOutputStream(client);
            Request request = readRequest(in);
            requests.add(request);
            script.answer(new Exchange(request, client, in, out));
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    private static Request readRequest(InputStream in) throws IOException {
        String[] line = readLine(in).split(" ");
        Map<String, String> headers = new HashMap<>();
        for (String h = readLine(in); !h.isEmpty(); h = readLine(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Request(line[0], line[1], headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new EOFException();
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** One request and the raw connection it came on. */
    static final class Exchange {
        final Request request;
        final SocketChannel channel;
        final InputStream in;
        final OutputStream out;

        Exchange(Request request, SocketChannel channel, InputStream in, OutputStream out) {
            this.request = request;
            this.channel = channel;
            this.in = in;
            this.out = out;
        }

        void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** A complete response with Content-Length. */
        void respond(int status, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            write("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n");
            out.write(body);
        }

        /** Headers of a chunked response; follow with {@link #chunk} and {@link #lastChunk}. */
        void startChunked(int status, String contentType) throws IOException {
            write("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        }

        void chunk(String data) throws IOException {
            byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
            write(Integer.toHexString(bytes.length) + ";ext=1\r\n");
            out.write(bytes);
            write("\r\n");
        }

        void lastChunk() throws IOException {
            write("0\r\nX-Trailer: yes\r\n\r\n");
        }

        /** Accepts a WebSocket upgrade as RFC 6455 asks (or with {@code accept} instead of the right key). */
        WsPeer upgrade(String accept) throws IOException {
            String key = request.header("Sec-WebSocket-Key");
            write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                    + (accept != null ? accept : WebSocket.expectedAccept(key)) + "\r\n\r\n");
            return new WsPeer(new DataInputStream(in), out);
        }

        WsPeer upgrade() throws IOException {
            return upgrade(null);
        }
    }

    /** The server's end of a WebSocket: unmasked frames out, masked frames in. */
    static final class WsPeer {
        record Frame(int opcode, byte[] payload) {
            String text() {
                return new String(payload, StandardCharsets.UTF_8);
            }
        }

        private final DataInputStream in;
        private final OutputStream out;

        WsPeer(DataInputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        void text(String text) throws IOException {
            frame(true, 0x1, text.getBytes(StandardCharsets.UTF_8));
        }

        void binary(String data) throws IOException {
            frame(true, 0x2, data.getBytes(StandardCharsets.UTF_8));
        }

        void frame(boolean fin, int opcode, byte[] payload) throws IOException {
            ByteBuffer frame = ByteBuffer.allocate(payload.length + 10);
            frame.put((byte) ((fin ? 0x80 : 0) | opcode));
            if (payload.length < 126) {
                frame.put((byte) payload.length);
            } else if (payload.length <= 0xFFFF) {
                frame.put((byte) 126).putShort((short) payload.length);
            } else {
                frame.put((byte) 127).putLong(payload.length);
            }
            frame.put(payload);
            out.write(frame.array(), 0, frame.position());
            out.flush();
        }

        /** The next frame from the client, unmasked; it must be masked, as RFC 6455 requires of clients. */
        Frame read() throws IOException {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            if ((second & 0x80) == 0) {
                throw new IOException("client frame not masked");
            }
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] mask = new byte[4];
            in.readFully(mask);
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            return new Frame(first & 0x0F, payload);
        }

        /** The next text frame, skipping binary (stdin) frames. */
        Frame readText() throws IOException {
            for (Frame f = read(); ; f = read()) {
                if (f.opcode() == 0x1) {
                    return f;
                }
            }
        }
    }
}
