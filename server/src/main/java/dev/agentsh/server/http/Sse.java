package dev.agentsh.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A server-sent event stream on one exchange. Writes are serialized; a closed client surfaces as IOException. */
public final class Sse {
    private final OutputStream out;

    private Sse(OutputStream out) {
        this.out = out;
    }

    public static Sse open(Exchange exchange) throws IOException {
        return new Sse(exchange.stream(200, Map.of("Content-Type", "text/event-stream", "Cache-Control", "no-cache")));
    }

    /**
     * Sends one frame and flushes it to the client at once: an event may be the last thing for minutes.
     *
     * @param event null for a data-only frame
     */
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
