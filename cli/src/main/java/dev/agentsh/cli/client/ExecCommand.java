package dev.agentsh.cli.client;

import dev.agentsh.policy.load.GoDurations;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agentsh exec}: runs one command in a session on the server and exits with its exit code
 * (126 when policy denied it), printing its output as a shell would or the whole ExecResponse as JSON,
 * or, with {@code --pty} or when a person runs it at a terminal, giving it the caller's terminal.
 */
@Command(
        name = "exec",
        mixinStandardHelpOptions = true,
        description = "Run a command in a session; exit with its exit code (126 when policy denies it).",
        customSynopsis = {
            "agentsh exec [OPTIONS] [SESSION_ID] -- CMD [ARGS...]",
            "       agentsh exec [OPTIONS] SESSION_ID --json REQUEST"
        })
public final class ExecCommand implements Callable<Integer> {
    static final Duration DEFAULT_CLIENT_TIMEOUT = Duration.ofSeconds(30);
    /** Extra wait beyond the command's own timeout, for the server to kill it and answer. */
    static final Duration TIMEOUT_MARGIN = Duration.ofSeconds(5);
    private static final List<String> OUTPUTS = List.of("shell", "json");
    private static final List<String> EVENTS = List.of("all", "summary", "blocked", "none");

    @Mixin
    ClientOptions client;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--timeout", paramLabel = "DUR", description = "Kill the command after this long, e.g. 30s or 5m (enforced by the server).")
    String timeout;
    @Option(names = "--output", paramLabel = "FORMAT", description = "shell or json (default: $AGENTSH_OUTPUT, else shell).")
    String output;
    @Option(names = "--events", paramLabel = "WHICH",
            description = "Events in the response: all, summary, blocked or none (default: $AGENTSH_EVENTS, else none for shell, summary for json).")
    String events;
    @Option(names = "--stream", description = "Print the output as the command produces it.")
    boolean stream;
    @Option(names = "--pty", description = "Run in a pseudo-terminal with this terminal's input and output"
            + " (the default when stdin and stdout are a terminal and neither --stream, --output json nor --json is given).")
    boolean pty;
    @Option(names = "--client-timeout", paramLabel = "DUR",
            description = "How long to wait for the server's answer (default: $AGENTSH_CLIENT_TIMEOUT, else 30s; never less than --timeout plus 5s).")
    String clientTimeout;
    @Option(names = "--json", paramLabel = "REQUEST", description = "The whole request as JSON, e.g. '{\"command\":\"ls\",\"args\":[\"-la\"]}'.")
    String json;
    @Option(names = "--root", paramLabel = "DIR",
            description = "Workspace if the session does not exist yet (default: $AGENTSH_SESSION_ROOT, else the current directory).")
    String root;
    @Parameters(paramLabel = "ARG", description = "The session id (unless $AGENTSH_SESSION_ID is set), then after -- the command and its arguments.")
    List<String> positionals = new ArrayList<>();

    /**
     * Call on the root command line. Picocli expands {@code @file} arguments even after {@code --},
     * which would silently swap a command's arguments ({@code npm install @types/node}) for a file's lines.
     */
    public static void configure(CommandLine root) {
        root.setExpandAtFiles(false);
    }

    /** The session to run in and the ExecRequest to send. */
    record Invocation(String session, ObjectNode request) {
        /**
         * AGENTSH_SESSION_ID wins: then every positional is the command, except a leading copy of that
         * id. Otherwise the first positional is the session, unless it came after {@code --}
         * ({@code exec -- ls -la} names no session; it must not run "-la" in a session called "ls").
         */
        static Invocation of(List<String> positionals, int beforeDash, String envSession, String json) {
            List<String> words = new ArrayList<>(positionals);
            String session = envSession;
            if (session != null) {
                if (!words.isEmpty() && words.getFirst().equals(session)) {
                    words.removeFirst();
                }
            } else if (beforeDash != 0 && !words.isEmpty()) {
                session = words.removeFirst();
            }
            if (session == null || session.isBlank()) {
                throw new ClientException("session id is required (provide as argument or set AGENTSH_SESSION_ID)");
            }
            if (json != null) {
                if (!words.isEmpty()) {
                    throw new ClientException("--json is the whole request; drop the command after it (" + String.join(" ", words) + ")");
                }
                return new Invocation(session, parseRequest(json));
            }
            if (words.isEmpty()) {
                throw new ClientException("command is required: agentsh exec [OPTIONS] SESSION_ID -- CMD [ARGS...]");
            }
            ObjectNode request = Json.object().put("command", words.getFirst());
            if (words.size() > 1) {
                ArrayNode args = request.putArray("args");
                words.subList(1, words.size()).forEach(args::add);
            }
            return new Invocation(session, request);
        }

        private static ObjectNode parseRequest(String json) {
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(json);
            } catch (JsonProcessingException e) {
                throw new ClientException("invalid --json: " + e.getOriginalMessage());
            }
            if (!(node instanceof ObjectNode request)) {
                throw new ClientException("invalid --json: expected an object such as {\"command\":\"ls\",\"args\":[\"-la\"]}");
            }
            if (request.path("command").asText().isBlank()) {
                throw new ClientException("command is required");
            }
            return request;
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Environment env = client.environment();
        boolean jsonOutput = "json".equals(choice("--output", output, "AGENTSH_OUTPUT", OUTPUTS, "shell"));
        if (pty && (stream || jsonOutput)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--pty cannot be combined with " + (stream ? "--stream" : "--output json"));
        }
        // A person at a terminal gets one for the command (an interactive `agentsh exec SID -- claude`);
        // asking for a stream or JSON, or handing over a whole request, says a program is reading instead.
        boolean usePty = pty || (env.terminal() && !stream && !jsonOutput && json == null);
        String eventsMode = choice("--events", events, "AGENTSH_EVENTS", EVENTS, null);
        Invocation invocation = Invocation.of(positionals, positionalsBeforeDash(), env.get("AGENTSH_SESSION_ID"), json);
        ObjectNode request = invocation.request();
        if (timeout != null) {
            duration("--timeout", timeout, null, null); // checked here: the server's complaint would be less clear
            request.put("timeout", timeout.strip());
        }
        if (eventsMode != null || !request.hasNonNull("include_events")) {
            request.put("include_events", eventsMode != null ? eventsMode : jsonOutput ? "summary" : "none");
        }
        if (usePty) {
            // --timeout is ours to enforce here: the terminal is closed when it passes.
            Duration deadline = GoDurations.parse(request.path("timeout").asText());
            PtySession session = new PtySession(env, request, deadline, err);
            Duration handshake = duration("--client-timeout", clientTimeout, "AGENTSH_CLIENT_TIMEOUT", DEFAULT_CLIENT_TIMEOUT);
            return exitStatus(client.withApi(api -> send(api, invocation.session(), err,
                    () -> session.run(api, invocation.session(), handshake))));
        }
        if (stream) {
            request.put("stream_output", true);
        }
        Duration wait = clientWait(request);

        return client.withApi(api -> {
            if (!stream) {
                JsonNode response = send(api, invocation.session(), err, () -> api.exec(invocation.session(), request, wait));
                return render(response, jsonOutput, out, err);
            }
            ApiClient.StreamEnd end = send(api, invocation.session(), err,
                    () -> api.execStream(invocation.session(), request, wait, (name, data) -> chunk(name, data, jsonOutput, out, err)));
            return switch (end) {
                case ApiClient.StreamEnd.Refused(JsonNode response) -> render(response, jsonOutput, out, err);
                case ApiClient.StreamEnd.Done(int exitCode, long durationMs) -> {
                    if (jsonOutput && exitCode != 0) {
                        err.println("exit_code=" + exitCode + " duration_ms=" + durationMs);
                    }
                    out.flush();
                    err.flush();
                    yield exitStatus(exitCode);
                }
            };
        });
    }

    /** --client-timeout, but never shorter than the command may run: that would report a failure for a command still running. */
    private Duration clientWait(ObjectNode request) {
        Duration wait = duration("--client-timeout", clientTimeout, "AGENTSH_CLIENT_TIMEOUT", DEFAULT_CLIENT_TIMEOUT);
        Duration commandWait = Optional.ofNullable(GoDurations.parse(request.path("timeout").asText()))
                .map(TIMEOUT_MARGIN::plus).orElse(Duration.ZERO);
        return commandWait.compareTo(wait) > 0 ? commandWait : wait;
    }

    /**
     * Sends the request, starting the local server if nothing listens (and retrying once), and creating
     * the session under the caller's id if the server does not know it (and retrying once).
     */
    private <T> T send(ApiClient api, String session, PrintWriter err, Supplier<T> call) {
        Environment env = client.environment();
        try {
            return startingServer(api, err, call);
        } catch (ApiException e) {
            if (!e.sessionNotFound() || Autostart.disabled(env)) {
                throw e;
            }
            String variable = env.get("AGENTSH_SESSION_ROOT");
            String dir = root != null ? root : variable != null ? variable : ".";
            String what = root != null ? "--root" : variable != null ? "AGENTSH_SESSION_ROOT" : "workspace";
            ObjectNode body = Json.object()
                    .put("id", session)
                    .put("workspace", env.realDirectory(dir, what).toString());
            if (env.get("HOME") != null) {
                body.put("home", env.get("HOME"));
            }
            try {
                api.createSession(body);
            } catch (ApiException createFailed) {
                // 409: a concurrent exec created it first, which is just as good.
                if (createFailed.status() != 409) {
                    throw createFailed;
                }
            }
            return call.get();
        }
    }

    private <T> T startingServer(ApiClient api, PrintWriter err, Supplier<T> call) {
        return Autostart.withServer(api, client.environment(), err, call);
    }

    private static int render(JsonNode response, boolean jsonOutput, PrintWriter out, PrintWriter err) {
        JsonNode result = response.path("result");
        int exitCode = result.path("exit_code").asInt(0);
        if (jsonOutput) {
            Json.print(out, response);
        } else {
            out.print(result.path("stdout").asText(""));
            err.print(result.path("stderr").asText(""));
            explain(response, exitCode, err);
        }
        out.flush();
        err.flush();
        return exitStatus(exitCode);
    }

    /** The lines that tell an agent why a command was blocked or failed, and what to try instead. */
    private static void explain(JsonNode response, int exitCode, PrintWriter err) {
        JsonNode guidance = response.path("guidance");
        if (guidance.isObject()) {
            String reason = guidance.path("reason").asText("").strip();
            if (reason.isEmpty() || !(guidance.path("blocked").asBoolean() || exitCode != 0)) {
                return;
            }
            String rule = guidance.path("policy_rule").asText("");
            err.println("agentsh: " + reason + (rule.isEmpty() ? "" : " (rule=" + rule + ")"));
            for (JsonNode s : guidance.path("substitutions")) {
                if (!s.path("command").asText("").isBlank()) {
                    err.println("agentsh: try: " + s.path("command").asText());
                }
            }
            for (JsonNode s : guidance.path("suggestions")) {
                if (!s.path("command").asText("").isBlank()) {
                    err.println("agentsh: try: " + s.path("command").asText());
                } else if (!s.path("reason").asText("").isBlank()) {
                    err.println("agentsh: hint: " + s.path("reason").asText());
                }
            }
            return;
        }
        // Servers without guidance: name the rule from the error, else the first blocked operation.
        JsonNode error = response.path("result").path("error");
        if (!error.path("policy_rule").asText("").isEmpty()) {
            err.println("agentsh: blocked by policy (rule=" + error.path("policy_rule").asText() + "): " + error.path("message").asText(""));
            return;
        }
        JsonNode blocked = response.path("events").path("blocked_operations").path(0);
        if (blocked.isObject()) {
            String target = firstNonEmpty(blocked, "path", "remote", "domain", "operation", "type");
            String rule = blocked.path("policy").path("rule").asText("");
            err.println("agentsh: blocked by policy" + (rule.isEmpty() ? "" : " (rule=" + rule + ")") + ": " + target);
        }
    }

    private static String firstNonEmpty(JsonNode node, String... fields) {
        for (String f : fields) {
            if (!node.path(f).asText("").isEmpty()) {
                return node.path(f).asText();
            }
        }
        return "";
    }

    private static void chunk(String stream, String data, boolean jsonOutput, PrintWriter out, PrintWriter err) {
        PrintWriter to = "stderr".equals(stream) ? err : out;
        if (jsonOutput) {
            // Labelled so a reader of the combined output can tell the streams apart.
            to.print("[" + stream + "] " + data + (data.endsWith("\n") ? "" : "\n"));
        } else {
            to.print(data);
        }
        to.flush();
    }

    /** A signal-killed child reports -1; like the original, the caller sees 255. */
    private static int exitStatus(int exitCode) {
        return Math.floorMod(exitCode, 256);
    }

    /**
     * How many positionals preceded {@code --}, or -1 without one. Picocli drops the {@code --}
     * itself, so this counts what followed it in the original arguments.
     */
    private int positionalsBeforeDash() {
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        int dash = original.indexOf("--");
        return dash < 0 ? -1 : Math.max(0, positionals.size() - (original.size() - dash - 1));
    }

    /** The flag's value, else the variable's, checked against {@code allowed}; {@code fallback} when neither is set. */
    private String choice(String flag, String value, String variable, List<String> allowed, String fallback) {
        String source = value != null ? flag : variable;
        String given = value != null ? value : client.environment().get(variable);
        if (given == null) {
            return fallback;
        }
        String normalized = given.strip().toLowerCase(Locale.ROOT);
        if (!allowed.contains(normalized)) {
            String options = String.join(", ", allowed.subList(0, allowed.size() - 1)) + " or " + allowed.getLast();
            throw new CommandLine.ParameterException(spec.commandLine(), source + " expects " + options + ", got \"" + given + "\"");
        }
        return normalized;
    }

    private Duration duration(String flag, String value, String variable, Duration fallback) {
        String source = value != null ? flag : variable;
        String given = value != null ? value : variable == null ? null : client.environment().get(variable);
        if (given == null) {
            return fallback;
        }
        Duration d = GoDurations.parse(given);
        if (d == null || d.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    source + " expects a duration such as 30s, 5m or 1h30m, got \"" + given + "\"");
        }
        return d;
    }
}
