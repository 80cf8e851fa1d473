package dev.agentsh.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentsh.server.config.ServerConfig;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The server's own messages (not audit events), filtered by {@code logging.level}, as text or JSON lines. */
public final class ServerLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final ServerConfig.LogLevel minimum;
    private final boolean json;

    public ServerLog(PrintStream out, ServerConfig.LogLevel minimum, ServerConfig.LogFormat format) {
        this.out = out;
        this.minimum = minimum;
        this.json = format == ServerConfig.LogFormat.JSON;
    }

    public void info(String message) {
        write(ServerConfig.LogLevel.INFO, message);
    }

    public void warn(String message) {
        write(ServerConfig.LogLevel.WARN, message);
    }

    public void error(String message) {
        write(ServerConfig.LogLevel.ERROR, message);
    }

    private synchronized void write(ServerConfig.LogLevel level, String message) {
        if (level.compareTo(minimum) < 0) {
            return;
        }
        if (!json) {
            out.println("agentsh: " + (level == ServerConfig.LogLevel.INFO ? "" : level.name().toLowerCase() + ": ") + message);
            return;
        }
        Map<String, String> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("level", level.name().toLowerCase());
        line.put("msg", message);
        try {
            out.println(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            out.println("agentsh: " + message);
        }
    }
}
