package dev.agentsh.server.events;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event ids: UUIDv7 (RFC 9562), time-ordered, with a counter in {@code rand_a} that keeps ids made in the same
 * millisecond increasing. The store's primary key is the id: random (v4) ids land all over its B-tree and made
 * every insert about three times as expensive as ids that arrive in order.
 */
final class EventIds {
    /** The last (unix millisecond << 12 | counter) handed out. */
    private static final AtomicLong LAST = new AtomicLong();

    private EventIds() {
    }

    static String next() {
        long now = System.currentTimeMillis() << 12;
        long stamp = LAST.updateAndGet(last -> Math.max(now, last + 1));
        long millis = stamp >>> 12;
        long counter = stamp & 0xFFF;
        long high = (millis << 16) | 0x7000L | counter;                                  // version 7
        long low = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // variant 10
        return new UUID(high, low).toString();
    }
}
