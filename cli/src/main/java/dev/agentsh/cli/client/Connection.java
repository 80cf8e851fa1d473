package dev.agentsh.cli.client;

import dev.agentsh.policy.load.GoDurations;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection to the server: TCP for {@code http://host:port}, the socket file for
 * {@code unix:///path/to.sock}. The channel stays blocking; a deadline is enforced by closing it when
 * the time is up, which wakes a blocked connect, read or write at once on both kinds of socket (a
 * socket timeout would not: channels ignore SO_TIMEOUT, and unix sockets have no timed connect).
 * Whoever then sees the failure asks {@link #expired()} whether it was the deadline.
 */
final class Connection implements Closeable {
    /** One daemon thread closes every connection whose time is up; it never keeps the CLI alive. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(
            task -> Thread.ofPlatform().daemon().name("agentsh-deadline").unstarted(task));

    private final SocketChannel channel;
    private final InputStream input;
    private final OutputStream output;
    private ScheduledFuture<?> deadline;
    private volatile boolean expired;

    private Connection(SocketChannel channel) {
        this.channel = channel;
        this.input = new BufferedInputStream(new ChannelInput(channel), 16 * 1024);
        this.output = new ChannelOutput(channel);
    }

    /**
     * Connects to {@code server}, waiting at most {@code timeout}. Every failure here is a connection-level
     * one (nothing listens, no socket file, no route, too slow), reported as {@link ServerUnreachableException}:
     * the one failure after which {@code exec} may start a server.
     */
    static Connection open(URI server, Duration timeout) {
        String shown = server.toString().replaceAll("/+$", "");
        SocketChannel channel;
        try {
            channel = "unix".equals(server.getScheme()) ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        } catch (IOException e) {
            throw new ServerUnreachableException(shown, ApiClient.detail(e, "cannot open a socket"));
        }
        Connection connection = new Connection(channel);
        connection.expireAfter(timeout);
        try {
            channel.connect(address(server));
            connection.noDeadline();
            return connection;
        } catch (IOException | UnresolvedAddressException e) {
            connection.close();
            String detail = connection.expired() ? "no connection within " + GoDurations.format(timeout)
                    : e instanceof UnresolvedAddressException ? "unknown host " + server.getHost()
                    : ApiClient.detail(e, "connection refused");
            // The OS says "Connection refused"; mid-sentence, as the rest of our messages, it reads lower-case.
            throw new ServerUnreachableException(shown, detail.substring(0, 1).toLowerCase(Locale.ROOT) + detail.substring(1));
        }
    }

    /** The host to name in requests: a socket file has none, and servers expect one. */
    static String hostHeader(URI server) {
        if ("unix".equals(server.getScheme())) {
            return "localhost";
        }
        return server.getPort() == -1 ? server.getHost() : server.getHost() + ":" + server.getPort();
    }

    private static SocketAddress address(URI server) {
        if ("unix".equals(server.getScheme())) {
            return UnixDomainSocketAddress.of(server.getPath());
        }
        return new InetSocketAddress(server.getHost(), server.getPort() == -1 ? 80 : server.getPort());
    }

    /** Buffered: headers are read byte by byte, and what follows them (body, frames) stays in the buffer. */
    InputStream input() {
        return input;
    }

    OutputStream output() {
        return output;
    }

    /** Closes the connection {@code timeout} from now, replacing any earlier deadline. */
    synchronized void expireAfter(Duration timeout) {
        noDeadline();
        deadline = DEADLINES.schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Lifts the deadline: from here on the connection lives until closed. */
    synchronized void noDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** Whether the deadline closed the connection (and so caused whatever failure the caller saw). */
    boolean expired() {
        return expired;
    }

    private void expire() {
        expired = true;
        close();
    }

    @Override
    public void close() {
        noDeadline();
        try {
            channel.close();
        } catch (IOException e) {
            // closing is all we wanted; a socket that fails to close is gone either way
        }
    }

    /**
     * Reads straight from the channel. Not {@code Channels.newInputStream}: that one holds the channel's
     * blocking lock while it reads, so a WebSocket could not send while it waits for a frame.
     */
    private static final class ChannelInput extends InputStream {
        private final SocketChannel channel;

        ChannelInput(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
        }
    }

    private static final class ChannelOutput extends OutputStream {
        private final SocketChannel channel;

        ChannelOutput(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }
}
