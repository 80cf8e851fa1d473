package dev.agentsh.server.http;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentsh.server.exec.CommandRunner;
import dev.agentsh.server.exec.ExecRequest;
import dev.agentsh.server.exec.ExecResponse;
import dev.agentsh.server.exec.ExecService;
import dev.agentsh.server.exec.ProcessGroups;
import dev.agentsh.server.exec.Pty;
import dev.agentsh.server.session.Session;
import dev.agentsh.server.session.SessionManager;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /sessions/{id}/pty}: a command on a pseudo-terminal, driven over a WebSocket, for interactive programs.
 *
 * <p>The client's first text frame is {@code {"type":"start","command","args","argv0","working_dir","env","rows",
 * "cols"}}; then binary frames are keystrokes and text frames {@code resize} or {@code signal}. The server sends the
 * terminal's output as binary frames and ends with {@code {"type":"exit","exit_code","duration_ms"}}, or with
 * {@code {"type":"error","code","message"}}. The command goes through the same checks and events as {@code /exec}.
 * A client that goes away hangs up the terminal: the command's group gets SIGHUP, as from a closed terminal window.
 */
final class PtyRoute {
    private static final int DEFAULT_ROWS = 24;
    private static final int DEFAULT_COLS = 80;
    private static final Map<String, Integer> SIGNALS = Map.of("SIGINT", ProcessGroups.SIGINT,
            "SIGTERM", ProcessGroups.SIGTERM, "SIGHUP", ProcessGroups.SIGHUP, "SIGQUIT", ProcessGroups.SIGQUIT);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Start(String type, String command, List<String> args, String argv0,
                 @JsonProperty("working_dir") String workingDir, Map<String, String> env, Integer rows, Integer cols) {
    }

    private final SessionManager sessions;
    private final ExecService exec;

    PtyRoute(SessionManager sessions, ExecService exec) {
        this.sessions = sessions;
        this.exec = exec;
    }

    Response handle(Request r) throws Exception {
        WebSocket ws = r.upgradeToWebSocket();
        Session session = sessions.get(r.path("id")).orElse(null);
        if (session == null) {
            error(ws, 404, "session not found");
            return null;
        }
        Start start = readStart(ws);
        if (start == null) {
            return null;
        }
        try (Pty pty = Pty.open(positive(start.rows(), DEFAULT_ROWS), positive(start.cols(), DEFAULT_COLS))) {
            // The group to signal: set once the command runs, cleared once it is over, so a late signal or hang-up
            // can never reach the session's next command.
            AtomicLong group = new AtomicLong();
            // Keystrokes are written by a platform thread: a write waits while the program does not read.
            Thread keyboard = Thread.ofPlatform().daemon().name("pty-input-" + session.id())
                    .start(() -> forwardInput(ws, pty, group));
            ExecService.Outcome outcome;
            try {
                outcome = exec.execOnTerminal(session, new ExecRequest(start.command(), start.args(), start.argv0(),
                        null, start.workingDir(), start.env(), null, null, "none"), pty, screen(ws), group::set);
            } finally {
                group.set(0);
            }
            ExecResponse response = outcome.response();
            if (outcome.status() != 200) {
                error(ws, outcome.status(), denial(response));
            } else {
                Map<String, Object> exit = new LinkedHashMap<>();
                exit.put("type", "exit");
                exit.put("exit_code", response.result().exitCode());
                exit.put("duration_ms", response.result().durationMs());
                ws.sendText(Json.MAPPER.writeValueAsString(exit));
                ws.close(1000, "");
            }
        }
        return null;
    }

    /** The start frame, or null (after telling the client) when the first frame is not one. */
    private static Start readStart(WebSocket ws) throws IOException {
        WebSocket.Message first = ws.receive();
        if (first == null) {
            return null;
        }
        Start start = null;
        if (first.text()) {
            try {
                start = Json.MAPPER.readValue(first.data(), Start.class);
            } catch (JsonProcessingException e) {
                error(ws, 400, "invalid start frame: " + e.getOriginalMessage());
                return null;
            }
        }
        if (start == null || !"start".equals(start.type()) || start.command() == null || start.command().isBlank()) {
            error(ws, 400, "the first frame must be {\"type\":\"start\",\"command\":...}");
            return null;
        }
        return start;
    }

    /** Terminal output (and agentsh's own notices, such as a start failure) to the client, as it arrives. */
    private static CommandRunner.OutputListener screen(WebSocket ws) {
        return new CommandRunner.OutputListener() {
            @Override
            public void stdout(byte[] chunk, int len) {
                send(chunk, len);
            }

            @Override
            public void stderr(byte[] chunk, int len) {
                send(chunk, len);
            }

            private void send(byte[] chunk, int len) {
                try {
                    ws.sendBinary(chunk, 0, len);
                } catch (IOException e) {
                    // Thrown so the runner stops delivering; the command itself is hung up by forwardInput.
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
    }

    private static void forwardInput(WebSocket ws, Pty pty, AtomicLong group) {
        try {
            WebSocket.Message m;
            while ((m = ws.receive()) != null) {
                if (!m.text()) {
                    pty.write(m.data(), 0, m.data().length);
                    continue;
                }
                JsonNode control = Json.MAPPER.readTree(m.data());
                switch (control.path("type").asText()) {
                    case "resize" -> pty.resize(control.path("rows").asInt(DEFAULT_ROWS), control.path("cols").asInt(DEFAULT_COLS));
                    case "signal" -> signal(group, SIGNALS.get(control.path("name").asText()));
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException e) {
            // The connection ended or the terminal was closed after the command: either way, the same as hanging up.
        }
        signal(group, ProcessGroups.SIGHUP);
    }

    private static void signal(AtomicLong group, Integer signal) {
        long pgid = group.get();
        if (signal == null || pgid <= 0) {
            return;
        }
        try {
            ProcessGroups.signal(pgid, signal);
        } catch (IOException | IllegalArgumentException e) {
            // The group is already gone.
        }
    }

    private static String denial(ExecResponse response) {
        ExecResponse.Guidance g = response.guidance();
        String reason = g == null || g.reason() == null ? "" : g.reason();
        String code = response.result().error() == null ? "" : response.result().error().code();
        String head = switch (code) {
            case "E_APPROVAL_TIMEOUT" -> "command denied (approval timed out)";
            case "E_APPROVAL_DENIED" -> "command denied (approval denied)";
            default -> "command denied by policy";
        };
        String rule = g == null || g.policyRule() == null ? "" : " (rule=" + g.policyRule() + ")";
        return head + (reason.isEmpty() ? "" : ": " + reason) + rule;
    }

    private static void error(WebSocket ws, int code, String message) throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "error");
        error.put("code", code);
        error.put("message", message);
        ws.sendText(Json.MAPPER.writeValueAsString(error));
        ws.close(1000, "");
    }

    private static int positive(Integer value, int fallback) {
        return value == null || value <= 0 ? fallback : value;
    }
}
