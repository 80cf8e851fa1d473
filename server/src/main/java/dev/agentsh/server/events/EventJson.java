package dev.agentsh.server.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Single-line JSON encoding of {@link Event}s, as written to the JSONL log, SQLite and SSE. */
public final class EventJson {

    // Thread-safe once configured; the defaults already write compact one-line JSON with control
    // characters (including newlines inside strings) escaped, which is what keeps JSONL one event per line.
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private EventJson() {
    }

    /** Throws {@link IllegalArgumentException} if a {@code fields} value cannot be represented in JSON. */
    public static String toJson(Event event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + event.id() + " cannot be encoded as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Throws {@link IllegalArgumentException} if {@code json} is not an event object. */
    public static Event fromJson(String json) {
        try {
            return MAPPER.readValue(json, Event.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an event: " + e.getOriginalMessage(), e);
        }
    }
}
