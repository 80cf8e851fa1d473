package dev.agentsh.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same server accepts on the unix socket: same routes, same answers, the socket file's mode as configured. */
class UnixSocketTest {
    @TempDir
    Path dir;

    private HttpApi api;

    @BeforeEach
    void start() throws IOException {
        Router router = new Router().add("POST", "/echo", Request.Role.AGENT, r -> Response.ok(r.json(Map.class)));
        api = new HttpApi(new HttpApi.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024, "X-API-Key",
                List.of(), "/health", "/ready"), router);
        api.start();
    }

    @AfterEach
    void stop() {
        api.stop();
    }

    @Test
    void aRouteIsAnsweredOverTheUnixSocketWithTheConfiguredMode() throws Exception {
        Path socket = dir.resolve("run/agentsh.sock");
        api.listenOnUnixSocket(socket, PosixFilePermissions.fromString("rw-rw----"));

        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
        String request = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n{\"a\": 1}\n";
        String answer = exchange(socket, request + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("\"a\" : 1").endsWith("\r\n\r\nok\n");
        assertThat(answer.split("HTTP/1.1 200 OK", -1)).hasSize(3);

        api.stop();
        assertThat(socket).doesNotExist();
    }

    @Test
    void aSocketAnotherServerAnswersOnIsNotTakenOver() throws Exception {
        Path socket = dir.resolve("agentsh.sock");
        api.listenOnUnixSocket(socket, PosixFilePermissions.fromString("rw-------"));
        HttpApi second = new HttpApi(new HttpApi.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024,
                "X-API-Key", List.of(), "/health", "/ready"), new Router());
        second.start();
        try {
            assertThatThrownBy(() -> second.listenOnUnixSocket(socket, PosixFilePermissions.fromString("rw-------")))
                    .isInstanceOf(IOException.class).hasMessageContaining("in use by another agentsh server");
        } finally {
            second.stop();
        }
        assertThat(exchange(socket, "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n")).endsWith("ok\n");
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path socket = dir.resolve("agentsh.sock");
        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket)).close();
        assertThat(socket).exists();

        api.listenOnUnixSocket(socket, PosixFilePermissions.fromString("rw-------"));

        assertThat(exchange(socket, "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n")).endsWith("ok\n");
    }

    private static String exchange(Path socket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(4096);
            StringBuilder out = new StringBuilder();
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.append(StandardCharsets.UTF_8.decode(buf));
                buf.clear();
            }
            return out.toString();
        }
    }
}
