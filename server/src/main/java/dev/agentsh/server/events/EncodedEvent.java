package dev.agentsh.server.events;

import java.time.Instant;

/**
 * An event validated and serialized by the recording thread, so that the single writer thread only does
 * I/O and one malformed event fails its own caller instead of the whole group-committed batch.
 */
record EncodedEvent(Event event, String json, long tsUnixNanos) {

    /**
     * Fills a missing id (the store's primary key) and timestamp, then encodes.
     *
     * @throws IllegalArgumentException for an event without a type, with a timestamp that is not RFC 3339,
     *                                  or with fields that cannot be encoded as JSON
     */
    static EncodedEvent of(Event event) {
        if (event.type().isBlank()) {
            throw new IllegalArgumentException("event " + event.id() + " has no type");
        }
        if (event.id() == null || event.id().isBlank() || event.timestamp().isBlank()) {
            Event.Builder completed = event.toBuilder();
            if (event.id() == null || event.id().isBlank()) {
                completed.id(EventIds.next());
            }
            if (event.timestamp().isBlank()) {
                completed.timestamp(Instant.now());
            }
            event = completed.build();
        }
        Instant time;
        try {
            time = event.instant();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("event " + event.id() + " has a bad timestamp: " + e.getMessage(), e);
        }
        return new EncodedEvent(event, EventJson.toJson(event), Rfc3339.unixNanos(time));
    }
}
