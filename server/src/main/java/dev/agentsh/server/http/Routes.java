package dev.agentsh.server.http;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.agentsh.policy.engine.PolicyEngine;
import dev.agentsh.policy.engine.Redirect;
import dev.agentsh.policy.engine.Verdict;
import dev.agentsh.server.approvals.ApprovalManager;
import dev.agentsh.server.events.CommandOutput;
import dev.agentsh.server.events.EventLog;
import dev.agentsh.server.events.EventQuery;
import dev.agentsh.server.exec.CommandRunner;
import dev.agentsh.server.exec.ExecRequest;
import dev.agentsh.server.exec.ExecService;
import dev.agentsh.server.session.CreateSessionRequest;
import dev.agentsh.server.session.Session;
import dev.agentsh.server.session.SessionException;
import dev.agentsh.server.session.SessionManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The API's routes (upstream-surface §2.3), mapped onto the session, exec, event and approval services. */
public final class Routes {
    private static final String V1 = "/api/v1";
    private static final int DEFAULT_OUTPUT_LIMIT = 64 * 1024;
    private static final int MAX_OUTPUT_LIMIT = 10 * 1024 * 1024;

    private final SessionManager sessions;
    private final ExecService exec;
    private final CommandRunner runner;
    private final EventLog events;
    private final ApprovalManager approvals;
    private final boolean approvalsEnabled;
    private final PolicyEngine globalEngine;

    public Routes(SessionManager sessions, ExecService exec, CommandRunner runner, EventLog events, ApprovalManager approvals,
                  boolean approvalsEnabled, PolicyEngine globalEngine) {
        this.sessions = sessions;
        this.exec = exec;
        this.runner = runner;
        this.events = events;
        this.approvals = approvals;
        this.approvalsEnabled = approvalsEnabled;
        this.globalEngine = globalEngine;
    }

    public Router router() {
        Request.Role agent = Request.Role.AGENT;
        return new Router()
                .add("POST", V1 + "/sessions", agent, this::createSession)
                .add("GET", V1 + "/sessions", agent, r -> Response.ok(sessions.list().stream().map(SessionView::of).toList()))
                .add("GET", V1 + "/sessions/{id}", agent, r -> Response.ok(SessionView.of(session(r))))
                .add("PATCH", V1 + "/sessions/{id}", agent, this::updateSession)
                .add("DELETE", V1 + "/sessions/{id}", agent, this::destroySession)
                .add("POST", V1 + "/sessions/{id}/exec", agent, this::exec)
                .add("POST", V1 + "/sessions/{id}/exec/stream", agent, this::execStream)
                .add("GET", V1 + "/sessions/{id}/pty", agent, new PtyRoute(sessions, exec)::handle)
                .add("GET", V1 + "/sessions/{id}/events", agent, this::tail)
                .add("GET", V1 + "/sessions/{id}/history", agent, this::history)
                .add("GET", V1 + "/events/search", agent, r -> query(EventQuery.parse(r.query())))
                .add("GET", V1 + "/sessions/{id}/output/{cmd}", agent, this::output)
                .add("POST", V1 + "/sessions/{id}/kill/{cmd}", agent, this::kill)
                .add("POST", V1 + "/policy/test", agent, this::policyTest)
                .add("GET", V1 + "/approvals", Request.Role.APPROVER, r -> Response.ok(approvalsEnabled ? approvals.list() : List.of()))
                .add("POST", V1 + "/approvals/{id}", Request.Role.APPROVER, this::resolveApproval);
    }

    private Session session(Request r) {
        return sessions.get(r.path("id")).orElseThrow(() -> new HttpError(404, "session not found"));
    }

    private Response createSession(Request r) throws IOException {
        try {
            return Response.json(201, SessionView.of(sessions.create(r.json(CreateSessionRequest.class))));
        } catch (SessionException e) {
            throw new HttpError(e.status(), e.getMessage());
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record SessionUpdate(String cwd, Map<String, String> env, List<String> unset) {
    }

    private Response updateSession(Request r) throws IOException {
        Session s = session(r);
        SessionUpdate u = r.json(SessionUpdate.class);
        if (u.cwd() != null) {
            String virtual = s.toVirtual(u.cwd());
            if (virtual == null) {
                throw new HttpError(400, "cwd must be under " + s.virtualRoot());
            }
            s.setCwd(virtual);
        }
        if (u.env() != null) {
            u.env().forEach(s::putEnv);
        }
        if (u.unset() != null) {
            u.unset().forEach(s::removeEnv);
        }
        return Response.ok(SessionView.of(s));
    }

    private Response destroySession(Request r) {
        if (!sessions.destroy(r.path("id"))) {
            throw new HttpError(404, "session not found");
        }
        return Response.empty(204);
    }

    private Response exec(Request r) throws Exception {
        Session s = session(r);
        ExecService.Outcome outcome = exec.exec(s, r.json(ExecRequest.class), null);
        return Response.json(outcome.status(), outcome.response());
    }

    /** Output as SSE frames while the command runs; a denial is answered as plain JSON before the stream starts. */
    private Response execStream(Request r) throws Exception {
        Session s = session(r);
        ExecRequest request = r.json(ExecRequest.class);
        Sse[] stream = {null};
        String[] commandId = {""};
        CommandRunner.OutputListener listener = new CommandRunner.OutputListener() {
            @Override
            public void stdout(byte[] chunk, int len) {
                frame("stdout", chunk, len);
            }

            @Override
            public void stderr(byte[] chunk, int len) {
                frame("stderr", chunk, len);
            }

            private void frame(String name, byte[] chunk, int len) {
                try {
                    synchronized (stream) {
                        if (stream[0] == null) {
                            stream[0] = Sse.open(r.exchange());
                        }
                        Map<String, Object> data = new LinkedHashMap<>();
                        data.put("command_id", commandId[0]);
                        data.put("stream", name);
                        data.put("data", new String(Arrays.copyOf(chunk, len), StandardCharsets.UTF_8));
                        stream[0].send(name, data);
                    }
                } catch (IOException e) {
                    // The client left; the command still runs to completion and its output is stored.
                }
            }
        };
        ExecService.Outcome outcome = exec.exec(s, request, listener);
        synchronized (stream) {
            if (stream[0] == null) {
                if (outcome.status() != 200) {
                    return Response.json(outcome.status(), outcome.response());
                }
                stream[0] = Sse.open(r.exchange());
            }
            var result = outcome.response().result();
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("command_id", outcome.response().commandId());
            done.put("exit_code", result.exitCode());
            done.put("duration_ms", result.durationMs());
            done.put("stdout_truncated", Boolean.TRUE.equals(result.stdoutTruncated()));
            done.put("stderr_truncated", Boolean.TRUE.equals(result.stderrTruncated()));
            stream[0].send("done", done);
        }
        return null;
    }

    private Response tail(Request r) throws Exception {
        Session s = session(r);
        Sse sse = Sse.open(r.exchange());
        sse.send("ready", Map.of());
        CountDownLatch gone = new CountDownLatch(1);
        try (var subscription = events.subscribe(s.id(), e -> {
            try {
                sse.send(null, e);
            } catch (IOException ex) {
                gone.countDown();
            }
        })) {
            while (sessions.get(s.id()).isPresent() && !gone.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                // Wait until the client leaves or the session ends.
            }
        }
        return null;
    }

    private Response history(Request r) {
        Session s = session(r);
        Map<String, String> params = new LinkedHashMap<>(r.query());
        params.put("session_id", s.id());
        return query(EventQuery.parse(params));
    }

    private Response query(EventQuery q) {
        var found = events.query(q);
        // The original answers an empty result with JSON null, and clients test for it.
        return Response.ok(found.isEmpty() ? NullNode.getInstance() : found);
    }

    private Response output(Request r) {
        session(r);
        CommandOutput o = events.output(r.path("cmd")).orElseThrow(() -> new HttpError(404, "output not found"));
        Map<String, String> q = r.query();
        String stream = q.getOrDefault("stream", "stdout");
        if (!stream.equals("stdout") && !stream.equals("stderr")) {
            throw new HttpError(400, "bad stream \"" + stream + "\": expected stdout or stderr");
        }
        long offset = number(q, "offset", 0);
        long limit = Math.min(number(q, "limit", DEFAULT_OUTPUT_LIMIT), MAX_OUTPUT_LIMIT);
        byte[] data = stream.equals("stdout") ? o.stdout() : o.stderr();
        long total = stream.equals("stdout") ? o.stdoutTotalBytes() : o.stderrTotalBytes();
        boolean truncated = stream.equals("stdout") ? o.stdoutTruncated() : o.stderrTruncated();
        int from = (int) Math.min(offset, data.length);
        int to = (int) Math.min(data.length, from + limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command_id", o.commandId());
        body.put("stream", stream);
        body.put("offset", offset);
        body.put("limit", limit);
        body.put("total_bytes", total);
        body.put("truncated", truncated);
        body.put("data", new String(data, from, to - from, StandardCharsets.UTF_8));
        body.put("has_more", to < data.length);
        return Response.ok(body);
    }

    private static long number(Map<String, String> q, String name, long otherwise) {
        String v = q.get(name);
        if (v == null || v.isEmpty()) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new HttpError(400, "bad " + name + " \"" + v + "\": expected a number >= 0");
        }
    }

    private Response kill(Request r) {
        Session s = session(r);
        Session.RunningCommand current = s.current();
        if (current == null || !current.commandId().equals(r.path("cmd")) || !runner.kill(current.pid())) {
            throw new HttpError(404, "command not running");
        }
        return Response.ok(Map.of("ok", true));
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PolicyTestRequest(@JsonProperty("session_id") String sessionId, String operation, String path) {
    }

    /** Ask the session's (or the global) policy about one operation, as {@code debug policy-test} does. */
    private Response policyTest(Request r) throws IOException {
        PolicyTestRequest t = r.json(PolicyTestRequest.class);
        if (t.operation() == null || t.operation().isBlank() || t.path() == null || t.path().isBlank()) {
            throw new HttpError(400, "operation and path are required");
        }
        PolicyEngine engine = t.sessionId() == null ? globalEngine
                : sessions.get(t.sessionId()).map(Session::engine).orElse(globalEngine);
        String op = t.operation().toLowerCase();
        Verdict v;
        if (op.startsWith("net_") || op.equals("connect")) {
            var net = dev.agentsh.policy.testing.Check.Net.parse(t.path(), List.of());
            if (net == null) {
                throw new HttpError(400, "bad network target \"" + t.path() + "\": expected host[:port]");
            }
            v = engine.checkNetwork(net.host(), net.port(), List.of());
        } else if (op.equals("exec") || op.equals("command")) {
            v = engine.checkCommand(List.of(t.path()));
        } else {
            v = engine.checkFile(t.path(), op.startsWith("file_") ? op.substring(5) : op);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("decision", v.decision().wireName());
        body.put("policy_decision", v.policyDecision().wireName());
        body.put("rule", v.rule());
        body.put("reason", v.reason());
        if (v.redirect() instanceof Redirect.Command c) {
            body.put("redirect", Map.of("command", c.command(), "args", c.args()));
        }
        return Response.ok(body);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Resolution(String decision, String reason) {
    }

    private Response resolveApproval(Request r) throws IOException {
        if (!approvalsEnabled) {
            throw new HttpError(404, "approvals not enabled");
        }
        Resolution res = r.json(Resolution.class);
        boolean approve = "approve".equals(res.decision()) || "allow".equals(res.decision());
        if (!approvals.resolve(r.path("id"), approve, res.reason())) {
            throw new HttpError(404, "approval not found");
        }
        return Response.ok(Map.of("ok", true));
    }
}
