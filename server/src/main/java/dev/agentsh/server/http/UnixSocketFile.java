package dev.agentsh.server.http;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The API's unix socket as a file: bound with the configured mode, which governs who may connect
 * (API keys apply as on TCP), and removed again on close.
 */
final class UnixSocketFile implements AutoCloseable {
    private final Path path;
    private final ServerSocketChannel channel;

    private UnixSocketFile(Path path, ServerSocketChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Binds {@code path}, replacing a stale socket file but never one another server still answers on. */
    static UnixSocketFile bind(Path path, Set<PosixFilePermission> permissions) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (Files.exists(path)) {
            if (isLive(path)) {
                throw new IOException("unix socket " + path + " is in use by another agentsh server");
            }
            Files.delete(path);
        }
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, permissions);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new UnixSocketFile(path, channel);
    }

    private static boolean isLive(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    ServerSocketChannel channel() {
        return channel;
    }

    @Override
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(path);
    }
}
