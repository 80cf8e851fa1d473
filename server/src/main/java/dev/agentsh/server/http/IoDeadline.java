package dev.agentsh.server.http;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * When the blocking read or write a connection is in must have finished. Blocking channel I/O has
 * no timeout of its own (a unix-socket channel has no socket adaptor to set one on), so the server
 * sweeps its connections and closes the channel of an operation that overstays; the blocked call
 * then fails with an IOException.
 */
final class IoDeadline {
    private static final long NONE = Long.MAX_VALUE;

    private final Closeable channel;
    private volatile long at = NONE;

    IoDeadline(Closeable channel) {
        this.channel = channel;
    }

    void within(Duration timeout) {
        at = System.nanoTime() + timeout.toNanos();
    }

    /** Nothing is pending: a handler that runs for minutes (an approval wait) must not be cut off. */
    void clear() {
        at = NONE;
    }

    void enforce(long nanoTime) {
        if (at != NONE && nanoTime - at > 0) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing is all the sweeper can do; the reader fails either way.
            }
        }
    }
}
