package dev.agentsh.cli.client;

import dev.agentsh.policy.load.GoDurations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Pattern;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code agentsh exec --pty}: one command in a pseudo-terminal on the server, over the session's PTY
 * WebSocket. Stdin goes to the command as binary frames and its output comes back the same way; the
 * local terminal is in raw mode meanwhile, so keys (Ctrl-C included) reach the remote program as
 * bytes. The exit frame's code becomes ours.
 *
 * <p>Signals sent to this process are forwarded: SIGINT, SIGTERM and SIGHUP as signal frames,
 * SIGWINCH as a resize. SIGQUIT cannot be: the JVM keeps it for thread dumps and refuses a handler
 * (in raw mode Ctrl-\ still reaches the remote program, as a byte).
 */
final class PtySession {
    static final int DENIED = 126;
    static final int TIMED_OUT = 124;
    private static final List<String> FORWARDED_SIGNALS = List.of("INT", "TERM", "HUP");
    private static final byte[] END_OF_INPUT = new byte[0];
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./=:@%+,-]+");

    /** How a conversation ended; interpreted once the terminal is back to normal, so messages print cleanly. */
    private sealed interface Outcome {
        record Exited(int exitCode) implements Outcome {
        }

        record Refused(int code, String message) implements Outcome {
        }

        record TimedOut() implements Outcome {
        }
    }

    private final Environment env;
    private final ObjectNode request;
    private final Duration deadline;
    private final PrintWriter err;
    private final LinkedBlockingQueue<byte[]> stdinChunks = new LinkedBlockingQueue<>();
    private Thread stdinReader;

    /**
     * {@code request} is the ExecRequest exec would send; {@code deadline} (null: none) is --timeout,
     * which in PTY mode the client enforces by closing the terminal.
     */
    PtySession(Environment env, ObjectNode request, Duration deadline, PrintWriter err) {
        this.env = env;
        this.request = request;
        this.deadline = deadline;
        this.err = err;
    }

    /**
     * Runs the command and returns its exit code (126 for a policy deny, 124 when --timeout passed).
     * An unknown session is an {@link ApiException} 404, as from {@code /exec}, so that exec can create
     * it and call this again.
     */
    int run(ApiClient api, String session, Duration handshakeTimeout) {
        boolean interactive = env.terminal();
        WebSocket socket = api.pty(session, handshakeTimeout);
        Outcome outcome;
        try (socket) {
            if (deadline != null) {
                socket.connection().expireAfter(deadline);
            }
            Map<Signal, SignalHandler> previous = forwardSignals(socket, interactive);
            Thread forwarder = null;
            try (Terminal.RawMode _ = interactive ? Terminal.raw() : () -> { }) {
                socket.sendText(startFrame(request, interactive ? Terminal.size() : null).toString());
                forwarder = forwardStdin(socket);
                outcome = converse(socket);
            } catch (IOException e) {
                if (!socket.connection().expired()) {
                    throw HttpTransport.wentAway(ApiClient.detail(e, "connection closed"));
                }
                outcome = new Outcome.TimedOut();
            } finally {
                if (forwarder != null) {
                    forwarder.interrupt();
                }
                previous.forEach(Signal::handle);
            }
        }
        return switch (outcome) {
            case Outcome.Exited(int exitCode) -> exitCode;
            case Outcome.TimedOut() -> {
                err.println("agentsh: the command ran past --timeout " + GoDurations.format(deadline)
                        + "; its terminal was closed");
                err.flush();
                yield TIMED_OUT;
            }
            case Outcome.Refused(int code, String message) -> refused(session, code, message);
        };
    }

    private Outcome converse(WebSocket socket) throws IOException {
        while (true) {
            switch (socket.receive()) {
                case WebSocket.Message.Binary(byte[] data) -> {
                    env.stdout().write(data);
                    env.stdout().flush();
                }
                case WebSocket.Message.Text(String text) -> {
                    JsonNode frame = Json.parseOrNull(text);
                    String type = frame == null ? "" : frame.path("type").asText();
                    if (type.equals("exit")) {
                        hangUp(socket);
                        return new Outcome.Exited(frame.path("exit_code").asInt());
                    }
                    if (type.equals("error")) {
                        hangUp(socket);
                        return new Outcome.Refused(frame.path("code").asInt(0), frame.path("message").asText("").strip());
                    }
                    // other frame types are not ours to interpret
                }
                case WebSocket.Message.Closed(int code, String reason) -> throw HttpTransport.wentAway(
                        "it closed the terminal before the command exited: " + code + (reason.isEmpty() ? "" : " " + reason));
            }
        }
    }

    /** Says goodbye after the server's last word; a server that has already closed its end does not need it. */
    private static void hangUp(WebSocket socket) {
        try {
            socket.close(WebSocket.NORMAL_CLOSURE);
        } catch (IOException e) {
            // the answer is in; nothing is lost
        }
    }

    /**
     * A policy deny exits 126 like exec without --pty, with a hint to see why (the PTY error says
     * little); AGENTSH_PTY_DENY_MODE=error keeps it a plain error instead.
     */
    private int refused(String session, int code, String message) {
        if (code == 404) {
            throw new ApiException("GET", "/api/v1/sessions/" + session + "/pty", 404, Json.object().put("error", message).toString());
        }
        boolean denied = code == 403 && message.toLowerCase(Locale.ROOT).contains("command denied");
        String denyMode = env.get("AGENTSH_PTY_DENY_MODE");
        if (!denied || (denyMode != null && denyMode.strip().equalsIgnoreCase("error"))) {
            throw new ClientException(message.isEmpty() ? "the server refused the terminal (" + code + ")" : message);
        }
        err.println("agentsh: " + message);
        err.println("Tip: re-run without --pty to see policy details:");
        err.println("  agentsh exec --output json --events blocked " + shellWord(session) + " -- " + commandLine());
        err.flush();
        return DENIED;
    }

    private String commandLine() {
        List<String> words = new ArrayList<>();
        words.add(shellWord(request.path("command").asText()));
        request.path("args").forEach(arg -> words.add(shellWord(arg.asText())));
        return String.join(" ", words);
    }

    private static String shellWord(String word) {
        return PLAIN_WORD.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** The first frame: what to run, and the window size when we know it (the server picks one otherwise). */
    static ObjectNode startFrame(ObjectNode request, Terminal.Size size) {
        ObjectNode start = Json.object().put("type", "start");
        for (String field : List.of("command", "args", "argv0", "working_dir", "env")) {
            if (request.hasNonNull(field)) {
                start.set(field, request.get(field));
            }
        }
        if (size != null) {
            start.put("rows", size.rows()).put("cols", size.cols());
        }
        return start;
    }

    static ObjectNode resizeFrame(Terminal.Size size) {
        return Json.object().put("type", "resize").put("rows", size.rows()).put("cols", size.cols());
    }

    static ObjectNode signalFrame(String name) {
        return Json.object().put("type", "signal").put("name", name);
    }

    /** Installs the forwarding handlers and returns the ones they replace, to be put back afterwards. */
    private static Map<Signal, SignalHandler> forwardSignals(WebSocket socket, boolean interactive) {
        Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
        for (String name : FORWARDED_SIGNALS) {
            Signal signal = new Signal(name);
            previous.put(signal, Signal.handle(signal, _ -> sendQuietly(socket, signalFrame("SIG" + name))));
        }
        if (interactive) {
            Signal winch = new Signal("WINCH");
            previous.put(winch, Signal.handle(winch, _ -> {
                Terminal.Size size = Terminal.size();
                if (size != null) {
                    sendQuietly(socket, resizeFrame(size));
                }
            }));
        }
        return previous;
    }

    private static void sendQuietly(WebSocket socket, ObjectNode frame) {
        try {
            socket.sendText(frame.toString());
        } catch (IOException e) {
            // the conversation is ending; the receiving side reports why
        }
    }

    /**
     * Sends stdin to the command until this conversation ends. One reader thread serves every attempt
     * (exec retries after creating the session): a read from stdin cannot be interrupted, so a reader
     * per attempt would leave one behind that swallows the next attempt's input.
     */
    private Thread forwardStdin(WebSocket socket) {
        if (stdinReader == null) {
            stdinReader = Thread.ofPlatform().daemon().name("agentsh-stdin").start(this::readStdin);
        }
        return Thread.ofPlatform().daemon().name("agentsh-stdin-forward").start(() -> {
            try {
                for (byte[] chunk = stdinChunks.take(); chunk != END_OF_INPUT; chunk = stdinChunks.take()) {
                    socket.sendBinary(chunk, 0, chunk.length);
                }
                stdinChunks.put(END_OF_INPUT); // for a later attempt
            } catch (InterruptedException | IOException e) {
                // the conversation is over
            }
        });
    }

    private void readStdin() {
        byte[] buffer = new byte[32 * 1024];
        try {
            for (int n = env.stdin().read(buffer); n != -1; n = env.stdin().read(buffer)) {
                if (n > 0) {
                    stdinChunks.add(Arrays.copyOf(buffer, n));
                }
            }
        } catch (IOException e) {
            // stdin is gone: the same as its end
        }
        stdinChunks.add(END_OF_INPUT);
    }
}
