package dev.agentsh.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketFrontTest {
    @TempDir
    Path dir;

    @Test
    void relaysRequestsToTheHttpListenerWithTheConfiguredMode() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/health", e -> {
            byte[] ok = "ok\n".getBytes(StandardCharsets.UTF_8);
            e.sendResponseHeaders(200, ok.length);
            e.getResponseBody().write(ok);
            e.close();
        });
        http.start();
        Path socket = dir.resolve("run/agentsh.sock");
        try (UnixSocketFront front = UnixSocketFront.start(socket, PosixFilePermissions.fromString("rw-rw----"), http.getAddress(), w -> { })) {
            assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
            assertThat(get(socket)).startsWith("HTTP/1.1 200").endsWith("ok\n");
            assertThatThrownBy(() -> UnixSocketFront.start(socket, PosixFilePermissions.fromString("rw-------"), http.getAddress(), w -> { }))
                    .isInstanceOf(IOException.class).hasMessageContaining("in use by another agentsh server");
        } finally {
            http.stop(0);
        }
        assertThat(socket).doesNotExist();
    }

    private static String get(Path socket) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(4096);
            StringBuilder out = new StringBuilder();
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.append(StandardCharsets.US_ASCII.decode(buf));
                buf.clear();
            }
            return out.toString();
        }
    }
}
