package dev.agentsh.server.events;

import dev.agentsh.policy.load.GoDurations;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Filter for {@link EventLog#query}. Null (or blank) members do not filter. The {@code *Like} members are
 * SQL LIKE patterns ({@code %} and {@code _} wildcards, ASCII case-insensitive); {@code textLike} is matched
 * against the event's raw JSON.
 *
 * @param decision  matches the policy decision (what the rule said), not the effective decision
 * @param since     inclusive lower bound on the event timestamp
 * @param until     inclusive upper bound on the event timestamp
 * @param limit     page size; values outside 1..{@value #MAX_LIMIT} become {@value #DEFAULT_LIMIT}
 * @param ascending oldest first; the default is newest first
 */
public record EventQuery(
        String sessionId,
        String commandId,
        List<String> types,
        String decision,
        Instant since,
        Instant until,
        String pathLike,
        String domainLike,
        String textLike,
        int limit,
        int offset,
        boolean ascending) {

    public static final int DEFAULT_LIMIT = 200;
    public static final int MAX_LIMIT = 5000;

    public EventQuery {
        sessionId = blankToNull(sessionId);
        commandId = blankToNull(commandId);
        types = types == null ? List.of() : List.copyOf(types);
        decision = blankToNull(decision);
        pathLike = blankToNull(pathLike);
        domainLike = blankToNull(domainLike);
        textLike = blankToNull(textLike);
        // Upstream falls back to the default rather than clamping to the maximum.
        if (limit <= 0 || limit > MAX_LIMIT) {
            limit = DEFAULT_LIMIT;
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
    }

    /** Everything, newest first, one default-sized page. */
    public static EventQuery all() {
        return new EventQuery(null, null, List.of(), null, null, null, null, null, null, DEFAULT_LIMIT, 0, false);
    }

    /**
     * Reads the query parameters of {@code /history} and {@code /events/search}: {@code session_id},
     * {@code command_id}, {@code type} (comma list), {@code decision}, {@code since}/{@code until} (RFC 3339,
     * or a Go duration meaning "that long ago"), {@code path_like}, {@code domain_like}, {@code text_like},
     * {@code limit}, {@code offset}, {@code order=asc|desc}. Unknown parameters are ignored.
     *
     * @throws IllegalArgumentException naming the parameter and the bad value
     */
    public static EventQuery parse(Map<String, String> params) {
        Instant now = Instant.now(); // one "now" so that since=1h&until=30m describe a consistent window
        String limit = param(params, "limit");
        String offset = param(params, "offset");
        return new EventQuery(
                param(params, "session_id"),
                param(params, "command_id"),
                parseTypes(param(params, "type")),
                param(params, "decision"),
                parseTime("since", param(params, "since"), now),
                parseTime("until", param(params, "until"), now),
                param(params, "path_like"),
                param(params, "domain_like"),
                param(params, "text_like"),
                limit == null ? DEFAULT_LIMIT : parseInt("limit", limit),
                offset == null ? 0 : parseOffset(offset),
                parseAscending(param(params, "order")));
    }

    public EventQuery withSessionId(String sessionId) {
        return new EventQuery(sessionId, commandId, types, decision, since, until, pathLike, domainLike, textLike, limit, offset, ascending);
    }

    public EventQuery withCommandId(String commandId) {
        return new EventQuery(sessionId, commandId, types, decision, since, until, pathLike, domainLike, textLike, limit, offset, ascending);
    }

    public EventQuery withTypes(String... types) {
        return new EventQuery(sessionId, commandId, List.of(types), decision, since, until, pathLike, domainLike, textLike, limit, offset, ascending);
    }

    public EventQuery withDecision(String decision) {
        return new EventQuery(sessionId, commandId, types, decision, since, until, pathLike, domainLike, textLike, limit, offset, ascending);
    }

    public EventQuery withSince(Instant since) {
        return new EventQuery(sessionId, commandId, types, decision, since, until, pathLike, domainLike, textLike, limit, offset, ascending);
    }

    public EventQuery withUntil(Instant until) {
        return new EventQuery(sessionId, commandId, types, decision, since, until, pathLike, domainLike, textLike, limit, offset, ascending);
    }

    public EventQuery withPathLike(String pathLike) {
        return new EventQuery(sessionId, commandId, types, decision, since, until, pathLike, domainLike, textLike, limit, offset, ascending);
    }

    public EventQuery withDomainLike(String domainLike) {
        return new EventQuery(sessionId, commandId, types, decision, since, until, pathLike, domainLike, textLike, limit, offset, ascending);
    }

    public EventQuery withTextLike(String textLike) {
        return new EventQuery(sessionId, commandId, types, decision, since, until, pathLike, domainLike, textLike, limit, offset, ascending);
    }

    public EventQuery withLimit(int limit) {
        return new EventQuery(sessionId, commandId, types, decision, since, until, pathLike, domainLike, textLike, limit, offset, ascending);
    }

    public EventQuery withOffset(int offset) {
        return new EventQuery(sessionId, commandId, types, decision, since, until, pathLike, domainLike, textLike, limit, offset, ascending);
    }

    public EventQuery withAscending(boolean ascending) {
        return new EventQuery(sessionId, commandId, types, decision, since, until, pathLike, domainLike, textLike, limit, offset, ascending);
    }

    private static String param(Map<String, String> params, String name) {
        return blankToNull(params.get(name));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static List<String> parseTypes(String value) {
        if (value == null) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(type -> !type.isEmpty()).toList();
    }

    private static Instant parseTime(String name, String value, Instant now) {
        if (value == null) {
            return null;
        }
        try {
            return Rfc3339.parse(value);
        } catch (IllegalArgumentException notATime) {
            Duration ago = GoDurations.parse(value);
            if (ago == null) {
                throw new IllegalArgumentException(
                        "bad " + name + " \"" + value + "\": expected RFC3339 time or a duration such as 1h");
            }
            return now.minus(ago);
        }
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + name + " \"" + value + "\": expected a whole number");
        }
    }

    private static int parseOffset(String value) {
        int offset = parseInt("offset", value);
        if (offset < 0) {
            throw new IllegalArgumentException("bad offset \"" + value + "\": must not be negative");
        }
        return offset;
    }

    private static boolean parseAscending(String value) {
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "asc" -> true;
            case "desc" -> false;
            default -> throw new IllegalArgumentException("bad order \"" + value + "\": expected asc or desc");
        };
    }
}
