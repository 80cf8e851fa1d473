package dev.agentsh.server.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Routes like {@code POST /api/v1/sessions/{id}/exec} to handlers; a thin layer so the HTTP server can be swapped. */
public final class Router {
    /** Handles a request; may answer the exchange itself (a stream, a WebSocket) and return null. */
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    /** A route's handler and the role it needs. */
    public record Route(String method, String[] segments, Request.Role needs, Handler handler) {
    }

    public record Match(Route route, Map<String, String> params) {
    }

    private final List<Route> routes = new ArrayList<>();

    public Router add(String method, String pattern, Request.Role needs, Handler handler) {
        routes.add(new Route(method, split(pattern), needs, handler));
        return this;
    }

    /** The matching route, or null; {@code methodMismatch[0]} tells whether the path existed under another method. */
    public Match match(String method, String path, boolean[] methodMismatch) {
        String[] parts = split(path);
        for (Route r : routes) {
            Map<String, String> params = matchPath(r.segments, parts);
            if (params == null) {
                continue;
            }
            if (r.method.equals(method)) {
                return new Match(r, params);
            }
            methodMismatch[0] = true;
        }
        return null;
    }

    private static Map<String, String> matchPath(String[] pattern, String[] parts) {
        if (pattern.length != parts.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                params.put(p.substring(1, p.length() - 1), parts[i]);
            } else if (!p.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/");
    }
}
