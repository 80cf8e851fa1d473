package dev.agentsh.cli.client;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Another agentsh in the middle of an auto-start, as a separate process: holds the lock, prints
 * "locked", brings up /health on the port, releases the lock, and serves until killed.
 */
final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        Path lock = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock _ = channel.lock()) {
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(500);
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            server.createContext("/health", exchange -> FakeServer.send(exchange, 200, "text/plain", "ok\n"));
            server.start();
        }
        Thread.sleep(60_000);
    }
}
