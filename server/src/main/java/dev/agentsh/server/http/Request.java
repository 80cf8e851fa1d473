package dev.agentsh.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One API request: the exchange, the path parameters the route captured, and the caller's role. */
public record Request(Exchange exchange, Map<String, String> pathParams, Role role, long maxBodyBytes) {
    /** What a caller may do, from its API key (or {@code ADMIN} when auth is off). */
    public enum Role { AGENT, APPROVER, ADMIN }

    public String path(String name) {
        return pathParams.get(name);
    }

    public Map<String, String> query() {
        Map<String, String> out = new LinkedHashMap<>();
        String q = exchange.head().rawQuery();
        if (q == null || q.isEmpty()) {
            return out;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    public byte[] body() throws IOException {
        try (InputStream in = exchange.body()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (bytes.length > maxBodyBytes) {
                throw new HttpError(413, "request body too large");
            }
            return bytes;
        }
    }

    /**
     * Switches this request's connection to WebSocket (a handler doing so returns null: the
     * connection ends when it returns).
     *
     * @throws HttpError 400 if the request is not a WebSocket upgrade
     */
    public WebSocket upgradeToWebSocket() throws IOException {
        return exchange.upgradeToWebSocket();
    }

    /** The JSON body as {@code type}; an empty body is an empty object. */
    public <T> T json(Class<T> type) throws IOException {
        byte[] bytes = body();
        try {
            return Json.MAPPER.readValue(bytes.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : bytes, type);
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "invalid json: " + e.getOriginalMessage());
        }
    }
}
