package dev.agentsh.server.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The API on a unix socket. The JDK's HTTP server only listens on TCP, so each connection to the
 * socket is relayed byte for byte to the loopback listener: one protocol implementation, two ways
 * in. Access to the socket is governed by its file mode; API keys apply as on TCP.
 */
public final class UnixSocketFront implements AutoCloseable {
    private final Path path;
    private final ServerSocketChannel server;
    private final InetSocketAddress target;
    private final Consumer<String> warn;
    private volatile boolean open = true;

    private UnixSocketFront(Path path, ServerSocketChannel server, InetSocketAddress target, Consumer<String> warn) {
        this.path = path;
        this.server = server;
        this.target = target;
        this.warn = warn;
    }

    /** Binds {@code path} (replacing a stale socket file) with {@code permissions}, relaying to {@code target}. */
    public static UnixSocketFront start(Path path, Set<PosixFilePermission> permissions, InetSocketAddress target,
                                        Consumer<String> warn) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (Files.exists(path)) {
            if (isLive(path)) {
                throw new IOException("unix socket " + path + " is in use by another agentsh server");
            }
            Files.delete(path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, permissions);
        UnixSocketFront front = new UnixSocketFront(path, server, target, warn);
        Thread.ofVirtual().name("unix-socket-accept").start(front::acceptLoop);
        return front;
    }

    /** A socket file another server still answers on must not be taken over; a stale one may be. */
    private static boolean isLive(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (open) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException e) {
                if (open) {
                    warn.accept("unix socket " + path + " stopped accepting: " + e.getMessage());
                }
                return;
            }
        }
    }

    private void relay(SocketChannel client) {
        try (client; SocketChannel upstream = SocketChannel.open(target)) {
            Thread back = Thread.ofVirtual().start(() -> pump(upstream, client));
            pump(client, upstream);
            upstream.shutdownOutput();
            back.join();
        } catch (IOException | InterruptedException e) {
            // One broken connection; the others carry on.
        }
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // The other side closed; the relay ends.
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        server.close();
        Files.deleteIfExists(path);
    }
}
