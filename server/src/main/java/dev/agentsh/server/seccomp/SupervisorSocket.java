package dev.agentsh.server.seccomp;

import dev.agentsh.kernel.SeqpacketSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where launchers connect to hand over their seccomp listener. A connection is matched to the command the server
 * started by the kernel-reported pid of its peer (SO_PEERCRED), never by anything the peer says; the socket sits in
 * the server's private 0700 directory, so only the server's own user can connect at all.
 */
public final class SupervisorSocket implements AutoCloseable {
    private static final int ACCEPT_POLL_MILLIS = 200;
    /** A connection nobody claims within this time (not from a launcher we started) is dropped. */
    private static final long UNCLAIMED_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Arrival(CompletableFuture<SeqpacketSocket> connection, long since) {
    }

    private final Path path;
    private final SeqpacketSocket listening;
    private final Map<Integer, Arrival> arrivals = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean open = true;

    private SupervisorSocket(Path path, SeqpacketSocket listening) {
        this.path = path;
        this.listening = listening;
        this.acceptor = Thread.ofPlatform().daemon().name("seccomp-supervisor-socket").start(this::acceptLoop);
    }

    /** Binds {@code path}, replacing a stale socket file of an earlier server. */
    public static SupervisorSocket open(Path path) throws IOException {
        Files.deleteIfExists(path);
        removeLeftovers(path.getParent());
        return new SupervisorSocket(path, SeqpacketSocket.listen(path));
    }

    /** The socket of a server that was killed stays behind; the pid in its name says whether anyone still uses it. */
    private static void removeLeftovers(Path dir) throws IOException {
        try (var entries = Files.newDirectoryStream(dir, "supervisor-*.sock")) {
            for (Path entry : entries) {
                String pid = entry.getFileName().toString().replaceAll("^supervisor-(\\d+)\\.sock$", "$1");
                if (pid.chars().allMatch(Character::isDigit) && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                    Files.deleteIfExists(entry);
                }
            }
        }
    }

    public Path path() {
        return path;
    }

    /**
     * The connection of process {@code pid}, once it arrives.
     *
     * @throws IOException if it does not arrive within {@code timeoutMillis}
     */
    public SeqpacketSocket await(int pid, long timeoutMillis) throws IOException, InterruptedException {
        CompletableFuture<SeqpacketSocket> connection = arrival(pid).connection();
        try {
            return connection.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the launcher (pid " + pid + ") did not connect within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            throw new IOException("the supervisor socket failed", e.getCause());
        } finally {
            arrivals.remove(pid);
        }
    }

    private Arrival arrival(int pid) {
        return arrivals.computeIfAbsent(pid, p -> new Arrival(new CompletableFuture<>(), System.nanoTime()));
    }

    private void acceptLoop() {
        try {
            while (open) {
                SeqpacketSocket client = listening.accept(ACCEPT_POLL_MILLIS);
                if (client != null) {
                    int pid = client.peerPid();
                    if (!arrival(pid).connection().complete(client)) {
                        client.close();
                    }
                }
                dropUnclaimed();
            }
        } catch (IOException e) {
            arrivals.values().forEach(a -> a.connection().completeExceptionally(e));
        } finally {
            // Closed here, by the only thread that uses it, so no call can meet a recycled descriptor.
            listening.close();
        }
    }

    private void dropUnclaimed() {
        long now = System.nanoTime();
        arrivals.entrySet().removeIf(entry -> {
            Arrival a = entry.getValue();
            if (now - a.since() < UNCLAIMED_NANOS || !a.connection().isDone()) {
                return false;
            }
            a.connection().thenAccept(SeqpacketSocket::close);
            return true;
        });
    }

    @Override
    public void close() throws IOException {
        open = false;
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(path);
    }
}
