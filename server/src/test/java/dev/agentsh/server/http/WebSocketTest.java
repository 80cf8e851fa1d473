package dev.agentsh.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The WebSocket server side, checked against the JDK's WebSocket client as an independent implementation, and raw bytes. */
class WebSocketTest {
    private static final HttpApi.Timeouts TIMEOUTS =
            new HttpApi.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(200));
    private static final int BURST = 500;

    private final CountDownLatch echoEnded = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpApi api;

    @BeforeEach
    void start() throws Exception {
        Router router = new Router()
                .add("GET", "/ws", Request.Role.AGENT, r -> {
                    WebSocket ws = r.upgradeToWebSocket();
                    for (WebSocket.Message m = ws.receive(); m != null; m = ws.receive()) {
                        String text = new String(m.data(), StandardCharsets.UTF_8);
                        if (m.text() && text.equals("close please")) {
                            ws.close(4000, "bye");
                        } else if (m.text()) {
                            ws.sendText(text);
                        } else {
                            ws.sendBinary(m.data(), 0, m.data().length);
                        }
                    }
                    echoEnded.countDown();
                    return null;
                })
                .add("GET", "/burst", Request.Role.AGENT, r -> {
                    WebSocket ws = r.upgradeToWebSocket();
                    Thread other = Thread.ofVirtual().start(() -> sendMany(ws, "a"));
                    sendMany(ws, "b");
                    other.join();
                    return null;
                });
        api = new HttpApi(new HttpApi.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024, "X-API-Key",
                List.of(), "/health", "/ready"), router, TIMEOUTS);
        api.start();
    }

    private static void sendMany(WebSocket ws, String name) {
        byte[] payload = new byte[300];
        try {
            for (int i = 0; i < BURST; i++) {
                ws.sendText(name + i);
                payload[0] = (byte) i;
                ws.sendBinary(payload, 0, payload.length);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        api.stop();
        // close() waits for every exchange to end, and a WebSocket the test left open may never end.
        http.shutdownNow();
    }

    @Test
    void textAndBinaryMessagesAreEchoed() throws Exception {
        Client c = connect("/ws");
        c.ws.sendText("hello ✓", true).join();
        c.ws.sendBinary(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255}), true).join();
        String big = "x".repeat(70_000);
        c.ws.sendText(big, true).join();

        assertThat(c.next()).isEqualTo("text:hello ✓");
        assertThat(c.next()).isEqualTo("binary:[0, 1, 2, -1]");
        assertThat(c.next()).isEqualTo("text:" + big);
    }

    @Test
    void fragmentsAreJoinedIntoOneMessageAndPingsBetweenThemAnswered() throws Exception {
        Client c = connect("/ws");
        c.ws.sendText("hel", false).join();
        c.ws.sendPing(ByteBuffer.wrap("p1".getBytes(StandardCharsets.UTF_8))).join();
        c.ws.sendText("lo", true).join();
        c.ws.sendBinary(ByteBuffer.wrap(new byte[] {1}), false).join();
        c.ws.sendBinary(ByteBuffer.wrap(new byte[] {2, 3}), true).join();

        assertThat(c.next()).isEqualTo("pong:p1");
        assertThat(c.next()).isEqualTo("text:hello");
        assertThat(c.next()).isEqualTo("binary:[1, 2, 3]");
    }

    @Test
    void theServerPingsAnOpenConnection() throws Exception {
        Client c = connect("/ws");

        assertThat(c.pings.poll(5, TimeUnit.SECONDS)).isEqualTo("ping:");
        assertThat(c.pings.poll(5, TimeUnit.SECONDS)).isEqualTo("ping:");
    }

    @Test
    void aClientCloseIsEchoedAndEndsTheHandlersReceive() throws Exception {
        Client c = connect("/ws");
        c.ws.sendClose(1000, "done").join();

        assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo("1000 ");
        assertThat(echoEnded.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theServerClosesWithItsCodeAndReason() throws Exception {
        Client c = connect("/ws");
        c.ws.sendText("close please", true).join();

        assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo("4000 bye");
        // The client answers the close frame by itself; that answer ends the handler's receive loop.
        assertThat(echoEnded.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void twoThreadsSendConcurrentlyWithoutInterleavingFramesAndTheHandlersReturnCloses() throws Exception {
        Client c = connect("/burst");
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        int binaries = 0;
        for (int i = 0; i < 4 * BURST; i++) {
            String m = c.next();
            if (m.startsWith("binary:")) {
                assertThat(m.split(",")).hasSize(300);
                binaries++;
            } else {
                (m.startsWith("text:a") ? a : b).add(m.substring(6));
            }
        }
        assertThat(binaries).isEqualTo(2 * BURST);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            expected.add(String.valueOf(i));
        }
        assertThat(a).isEqualTo(expected);
        assertThat(b).isEqualTo(expected);
        assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo("1000 ");
    }

    @Test
    void aMessageOverOneMebibyteIsClosedWith1009() throws Exception {
        Client c = connect("/ws");
        c.ws.sendBinary(ByteBuffer.allocate(WebSocket.MAX_MESSAGE_BYTES / 2), false).join();
        c.ws.sendBinary(ByteBuffer.allocate(WebSocket.MAX_MESSAGE_BYTES / 2 + 1), true).join();

        assertThat(c.closed.get(5, TimeUnit.SECONDS)).startsWith("1009 ");
    }

    @Test
    void anUnmaskedClientFrameIsClosedWith1002() throws Exception {
        try (RawHttp raw = handshake("/ws")) {
            raw.send(new byte[] {(byte) 0x81, 2, 'h', 'i'});

            byte[] close = frame(raw.in());
            assertThat(close[0]).isEqualTo((byte) 0x88);
            assertThat(((close[2] & 0xff) << 8) | (close[3] & 0xff)).isEqualTo(1002);
            assertThat(new String(close, 4, close.length - 4, StandardCharsets.UTF_8)).isEqualTo("client frames must be masked");
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void invalidUtf8TextIsClosedWith1007() throws Exception {
        try (RawHttp raw = handshake("/ws")) {
            raw.send(new byte[] {(byte) 0x81, (byte) 0x82, 0, 0, 0, 0, (byte) 0xC3, (byte) 0x28});

            byte[] close = frame(raw.in());
            assertThat(((close[2] & 0xff) << 8) | (close[3] & 0xff)).isEqualTo(1007);
        }
    }

    @Test
    void aSilentPeerIsCutOffAfterTheReadTimeout() throws Exception {
        try (RawHttp raw = handshake("/ws")) {
            long start = System.nanoTime();
            InputStream in = raw.in();
            while (in.read() >= 0) {
                // Pings the peer never answers.
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
        }
    }

    @Test
    void aPlainRequestToAWebSocketRouteIs400() throws Exception {
        try (RawHttp raw = new RawHttp(api.address())) {
            RawHttp.Response r = raw.send("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("expected a websocket upgrade");
        }
    }

    @Test
    void theHandshakeAnswersWithTheRfcAcceptValue() throws Exception {
        try (RawHttp raw = new RawHttp(api.address())) {
            RawHttp.Response r = raw.send("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(101);
            // The example of RFC 6455 section 1.3.
            assertThat(r.header("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            assertThat(r.header("Upgrade")).isEqualTo("websocket");
        }
    }

    private RawHttp handshake(String path) throws IOException {
        RawHttp raw = new RawHttp(api.address());
        RawHttp.Response r = raw.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").read();
        assertThat(r.status()).isEqualTo(101);
        return raw;
    }

    /** One server frame (short payloads only), header bytes included, pings skipped. */
    private static byte[] frame(InputStream in) throws IOException {
        while (true) {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            int b0 = in.read();
            int b1 = in.read();
            f.write(b0);
            f.write(b1);
            f.writeBytes(in.readNBytes(b1 & 0x7F));
            if ((b0 & 0x0F) != 0x9) {
                return f.toByteArray();
            }
        }
    }

    private Client connect(String path) {
        Client c = new Client();
        c.ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + api.address().getPort() + path), c).join();
        return c;
    }

    /** Collects what arrives, one whole message per entry, as "kind:content". */
    private static final class Client implements java.net.http.WebSocket.Listener {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        /** Apart from the messages: the server pings at its own pace. */
        final BlockingQueue<String> pings = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        java.net.http.WebSocket ws;
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        String next() throws InterruptedException {
            String m = received.poll(5, TimeUnit.SECONDS);
            assertThat(m).as("a message within 5 s").isNotNull();
            return m;
        }

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add("text:" + text);
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                byte[] all = binary.toByteArray();
                received.add("binary:" + Arrays.toString(all));
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(java.net.http.WebSocket ws, ByteBuffer message) {
            pings.add("ping:" + StandardCharsets.UTF_8.decode(message));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(java.net.http.WebSocket ws, ByteBuffer message) {
            received.add("pong:" + StandardCharsets.UTF_8.decode(message));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(java.net.http.WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(java.net.http.WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
