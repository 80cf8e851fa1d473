package dev.agentsh.server.http;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * When the read a connection is blocked in must have finished. Blocking channel reads have no
 * timeout of their own (a unix-socket channel has no socket adaptor to set one on), so the server
 * sweeps its connections and closes the channel of a read that overstays; the blocked read then
 * fails with an IOException.
 */
final class ReadDeadline {
    private static final long NONE = Long.MAX_VALUE;

    private final Closeable channel;
    private volatile long at = NONE;

    ReadDeadline(Closeable channel) {
        this.channel = channel;
    }

    void within(Duration timeout) {
        at = System.nanoTime() + timeout.toNanos();
    }

    /** No read is pending: a handler that runs for minutes (an approval wait) must not be cut off. */
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
