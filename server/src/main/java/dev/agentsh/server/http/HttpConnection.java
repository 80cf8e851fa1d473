package dev.agentsh.server.http;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;

/**
 * One client connection, served on its own virtual thread with blocking I/O: request after request
 * while the client keeps the connection alive. A connection waits at most the idle timeout for a
 * request to begin and the header timeout for its head to complete.
 */
final class HttpConnection implements Runnable {
    /** Answers one exchange; never throws, every failure becomes a response. */
    interface Handler {
        void handle(Exchange exchange);
    }

    private static final Duration LINGER = Duration.ofSeconds(2);

    private final SocketChannel channel;
    private final IoDeadline readDeadline;
    private final IoDeadline writeDeadline;
    private final HttpApi.Timeouts timeouts;
    private final Handler handler;
    private volatile boolean betweenRequests = true;
    private volatile boolean closing;

    HttpConnection(SocketChannel channel, HttpApi.Timeouts timeouts, Handler handler) {
        this.channel = channel;
        this.readDeadline = new IoDeadline(channel);
        this.writeDeadline = new IoDeadline(channel);
        this.timeouts = timeouts;
        this.handler = handler;
    }

    @Override
    public void run() {
        WireInput in = new WireInput(channel);
        OutputStream out = new BufferedOutputStream(new ChannelOutput(channel, writeDeadline, timeouts.idle()), 16 * 1024);
        try {
            while (!closing) {
                readDeadline.within(timeouts.idle());
                if (!in.awaitByte()) {
                    return;
                }
                betweenRequests = false;
                readDeadline.within(timeouts.header());
                RequestHead head;
                try {
                    head = RequestHead.read(in);
                } catch (HttpError e) {
                    reject(out, e);
                    return;
                }
                readDeadline.clear();
                if (head == null) {
                    return;
                }
                Exchange exchange = new Exchange(head, in, out, readDeadline, timeouts);
                handler.handle(exchange);
                if (!exchange.finish()) {
                    return;
                }
                betweenRequests = true;
            }
        } catch (IOException e) {
            // The client went away or overstayed a deadline; nothing is left to answer.
        } finally {
            closeLingering(in);
        }
    }

    /**
     * Closing with unread input makes the kernel send a reset, which can destroy the last response
     * (a 431, a WebSocket close frame) before the client read it. So: end our side, read and drop
     * until the client closes too, for a moment at most.
     */
    private void closeLingering(WireInput in) {
        try (channel) {
            channel.shutdownOutput();
            readDeadline.within(LINGER);
            byte[] sink = new byte[8 * 1024];
            while (in.read(sink, 0, sink.length) >= 0) {
                // Dropped: the connection is over.
            }
        } catch (IOException e) {
            // Closed already, or the linger deadline passed.
        }
    }

    /** A head the server cannot parse: answered, then the connection closes, as the next request's start is unknown. */
    private static void reject(OutputStream out, HttpError e) throws IOException {
        byte[] body = Json.responseBody(Map.of("error", e.getMessage()));
        Exchange.writeHead(out, e.status(), Map.of("Content-Type", "application/json"), "Content-Length: " + body.length, "close");
        out.write(body);
        out.flush();
    }

    void enforceDeadlines(long nanoTime) {
        readDeadline.enforce(nanoTime);
        writeDeadline.enforce(nanoTime);
    }

    /** Closes the connection now if it waits for a request, else once the current exchange is answered. */
    void closeWhenIdle() {
        closing = true;
        if (betweenRequests) {
            close();
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Already closed or failing: the connection is over either way.
        }
    }

    /**
     * Writes straight to the channel, within a deadline: a client that stops reading must not hold
     * a writer (an event stream, a WebSocket sender and everyone queued behind it) forever. Not
     * {@code Channels.newOutputStream}: its stream may serialize on the channel's blocking lock, and
     * a WebSocket sends while another thread is blocked reading.
     */
    private static final class ChannelOutput extends OutputStream {
        private final SocketChannel channel;
        private final IoDeadline deadline;
        private final Duration timeout;

        ChannelOutput(SocketChannel channel, IoDeadline deadline, Duration timeout) {
            this.channel = channel;
            this.deadline = deadline;
            this.timeout = timeout;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            deadline.within(timeout);
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } finally {
                deadline.clear();
            }
        }
    }
}
