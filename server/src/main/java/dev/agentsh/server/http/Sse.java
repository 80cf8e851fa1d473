package dev.agentsh.server.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A server-sent event stream on one exchange. Writes are serialized; a closed client surfaces as IOException. */
public final class Sse {
    private final OutputStream out;

    private Sse(OutputStream out) {
        this.out = out;
    }

    public static Sse open(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        return new Sse(exchange.getResponseBody());
    }

    /** @param event null for a data-only frame */
    public synchronized void send(String event, Object data) throws IOException {
        StringBuilder frame = new StringBuilder();
        if (event != null) {
            frame.append("event: ").append(event).append('\n');
        }
        frame.append("data: ").append(Json.MAPPER.writeValueAsString(data)).append("\n\n");
        out.write(frame.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
