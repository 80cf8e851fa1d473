package dev.agentsh.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** The server answered with an error status; the message is {@code <METHOD> <path>: <status>: <error>}. */
public final class ApiException extends ClientException {
    private static final int MAX_TEXT = 500;

    private final int status;
    private final String body;

    ApiException(String method, String path, int status, String body) {
        super(method + " " + path + ": " + status + errorText(body));
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    /** The server's way of saying the session id names nothing (yet): exec then creates it. */
    boolean sessionNotFound() {
        return status == 404 && body.toLowerCase(Locale.ROOT).contains("session not found");
    }

    /** The text of {@code {"error": ...}}, else the body itself (shortened), else nothing. */
    private static String errorText(String body) {
        JsonNode json = Json.parseOrNull(body);
        String text = json != null && json.path("error").isTextual() ? json.get("error").asText() : body.strip();
        if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT) + "...";
        }
        return text.isEmpty() ? "" : ": " + text;
    }
}
