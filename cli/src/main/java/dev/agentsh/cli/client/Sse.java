package dev.agentsh.cli.client;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** Server-sent events: {@code event:} and {@code data:} lines, a blank line ending each event. */
final class Sse {
    record Event(String name, String data) {
    }

    private Sse() {
    }

    /** The events in {@code lines}, read as they are asked for, so a live stream is handled as it arrives. */
    static Iterator<Event> events(Iterator<String> lines) {
        return new Iterator<>() {
            private Event next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    next = read(lines);
                }
                return next != null;
            }

            @Override
            public Event next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Event event = next;
                next = null;
                return event;
            }
        };
    }

    /** The next event with data, or null at the end of the stream. */
    private static Event read(Iterator<String> lines) {
        String name = null;
        StringBuilder data = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(name == null ? "message" : name, data.toString());
                }
                name = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> name = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // id:, retry: and unknown fields carry nothing we use
                }
            }
        }
        // A last event without its blank line is still the server's final word (a done frame, say).
        return data == null ? null : new Event(name == null ? "message" : name, data.toString());
    }
}
