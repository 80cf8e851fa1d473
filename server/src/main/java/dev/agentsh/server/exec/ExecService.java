package dev.agentsh.server.exec;

import dev.agentsh.policy.Decision;
import dev.agentsh.policy.engine.EnvFilter;
import dev.agentsh.policy.engine.Redirect;
import dev.agentsh.policy.engine.Verdict;
import dev.agentsh.policy.load.GoDurations;
import dev.agentsh.policy.model.CommandRule;
import dev.agentsh.server.approvals.ApprovalManager;
import dev.agentsh.server.events.CommandOutput;
import dev.agentsh.server.events.Event;
import dev.agentsh.server.events.EventLog;
import dev.agentsh.server.events.EventQuery;
import dev.agentsh.server.http.HttpError;
import dev.agentsh.server.seccomp.ExecveSupervisor;
import dev.agentsh.server.session.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * Runs one command for a session: the policy pre-check (with approvals and redirects), the
 * session's builtins, the child's environment, the process itself, and the audit events — then
 * answers in the original's ExecResponse shape.
 */
public final class ExecService {
    /** Output returned inline in an exec response, per stream. */
    public static final int INLINE_LIMIT = 1 << 20;
    /** Output kept for paging through {@code /output}, per stream: more than fits inline, so paging has something to page. */
    public static final int STORED_LIMIT = 16 << 20;
    private static final byte[] TIMED_OUT_NOTICE = CommandRunner.TIMED_OUT_NOTICE.getBytes(StandardCharsets.UTF_8);
    private static final List<String> BASE_ENV = List.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TERM");
    private static final int SUMMARY_LIMIT = 25;

    /** The HTTP status (200, or 403 for a denied command) and the response body. */
    public record Outcome(int status, ExecResponse response) {
    }

    private final EventLog events;
    private final CommandRunner runner;
    private final ApprovalManager approvals;
    private final Duration approvalTimeout;
    private final Map<String, String> envInject;
    private final Map<String, String> hostEnv;
    private final boolean bindWorkspace;
    private final ExecveSupervisor execve;

    /**
     * @param envInject the server's {@code sandbox.env_inject} (a policy's own env_inject wins per key)
     * @param hostEnv the server's environment, from which the child's minimal base is taken
     * @param bindWorkspace whether commands of sessions without real paths get their workspace bound at
     *                  {@code /workspace} (see {@link WorkspaceMounts})
     * @param execve    answers every exec in each command's process tree; null when execve interception is off
     */
    public ExecService(EventLog events, CommandRunner runner, ApprovalManager approvals, Duration approvalTimeout,
                       Map<String, String> envInject, Map<String, String> hostEnv, boolean bindWorkspace,
                       ExecveSupervisor execve) {
        this.events = events;
        this.runner = runner;
        this.approvals = approvals;
        this.approvalTimeout = approvalTimeout;
        this.envInject = envInject;
        this.hostEnv = hostEnv;
        this.bindWorkspace = bindWorkspace;
        this.execve = execve;
    }

    /** Runs the command with pipes; {@code stream}, if not null, receives its output as it arrives. */
    public Outcome exec(Session session, ExecRequest request, CommandRunner.OutputListener stream) throws InterruptedException {
        return exec(session, request, stream, runner::run);
    }

    /**
     * Runs the command on the terminal side of {@code pty}, with the same pre-check, approvals, redirects,
     * environment and events as {@link #exec(Session, ExecRequest, CommandRunner.OutputListener)}. What the command
     * writes to the terminal goes to {@code screen} (and is stored as its stdout); the caller types into the
     * {@code pty} meanwhile. The request's {@code stdin} must be empty: input comes from the terminal.
     * {@code started} learns the command's pid (its process group) once it runs, for signals from the terminal's user.
     */
    public Outcome execOnTerminal(Session session, ExecRequest request, Pty pty, CommandRunner.OutputListener screen,
                                  LongConsumer started) throws InterruptedException {
        if (request.stdin() != null && !request.stdin().isEmpty()) {
            throw new HttpError(400, "stdin cannot be given to a command on a terminal: type it instead");
        }
        return exec(session, request, screen, (run, onStart) -> runner.runOnTerminal(run, pty,
                onStart.andThen(started)));
    }

    /** How a command that passed the checks is run: with pipes or on a terminal. */
    private interface Execution {
        CommandRunner.Result run(CommandRunner.Request request, LongConsumer started);
    }

    private Outcome exec(Session session, ExecRequest request, CommandRunner.OutputListener stream, Execution execution)
            throws InterruptedException {
        if (request.command() == null || request.command().isBlank()) {
            throw new HttpError(400, "command is required");
        }
        Duration timeout = null;
        if (request.timeout() != null && !request.timeout().isBlank()) {
            timeout = GoDurations.parse(request.timeout());
            if (timeout == null) {
                throw new HttpError(400, "bad timeout \"" + request.timeout() + "\": expected a duration such as 30s or 5m");
            }
        }
        if (session.failure() != null) {
            throw new HttpError(409, "session " + session.id() + " has failed (" + session.failure()
                    + "); destroy it and create a new one");
        }
        String commandId = "cmd-" + UUID.randomUUID();
        Instant start = Instant.now();
        session.acquire();
        try {
            return run(session, request, commandId, start, timeout, stream, execution);
        } finally {
            session.release();
        }
    }

    private Outcome run(Session session, ExecRequest request, String commandId, Instant start, Duration timeout,
                        CommandRunner.OutputListener stream, Execution execution) throws InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(request.command());
        argv.addAll(request.argsOrEmpty());
        session.remember(String.join(" ", argv));
        if (Builtins.NAMES.contains(request.command())) {
            // Builtins change the session, not the machine: no program runs, so no command rule applies.
            events.record(Event.builder("command_policy", session.id()).commandId(commandId).operation("command_precheck")
                    .policy(Event.Policy.of("allow", "allow", "builtin").withMessage(request.command() + " is an agentsh builtin"))
                    .effectiveAction("allowed").field("command", request.command()).field("args", request.argsOrEmpty()).build());
            Builtins.Outcome b = Builtins.run(session, request.command(), request.argsOrEmpty());
            return answered(stream, session, request, commandId, start, b.exitCode(), b.stdout().getBytes(StandardCharsets.UTF_8),
                    b.stderr().getBytes(StandardCharsets.UTF_8), null, List.of(), false);
        }
        Verdict verdict = session.engine().checkCommand(argv);
        Decision effective = verdict.decision();
        String denial = null;
        String denialReason = null;
        if (effective == Decision.APPROVE) {
            ApprovalManager.Answer answer = approvals.ask(session.id(), commandId, "command", String.join(" ", argv), verdict.rule(),
                    verdict.reason(), Map.of("command", request.command(), "args", request.argsOrEmpty()), approvalTimeout(session, verdict));
            if (answer.outcome() == ApprovalManager.Outcome.APPROVED) {
                effective = Decision.ALLOW;
            } else {
                denial = answer.outcome() == ApprovalManager.Outcome.TIMED_OUT ? "E_APPROVAL_TIMEOUT" : "E_APPROVAL_DENIED";
                denialReason = answer.outcome() == ApprovalManager.Outcome.TIMED_OUT ? "approval timed out" : "approval denied"
                        + (answer.reason().isEmpty() ? "" : ": " + answer.reason());
                effective = Decision.DENY;
            }
        } else if (effective == Decision.DENY) {
            denial = "E_POLICY_DENIED";
        }
        events.record(policyEvent(session, commandId, argv, verdict, effective));
        if (denial != null) {
            return denied(session, request, commandId, start, argv, verdict, denial, denialReason);
        }
        List<ExecResponse.Suggestion> substitutions = new ArrayList<>();
        Map<String, String> redirectEnv = Map.of();
        ExecRequest executed = request;
        if (verdict.redirect() instanceof Redirect.Command r) {
            List<String> to = r.argv(request.argsOrEmpty());
            events.record(Event.builder("command_redirected", session.id()).commandId(commandId)
                    .policy(Event.Policy.of(verdict, effective))
                    .field("from_command", request.command()).field("from_args", request.argsOrEmpty())
                    .field("to_command", to.getFirst()).field("to_args", to.subList(1, to.size())).build());
            substitutions.add(new ExecResponse.Suggestion("redirected", String.join(" ", to), verdict.reason()));
            executed = request.withCommand(to.getFirst(), to.subList(1, to.size()));
            argv = to;
            redirectEnv = r.environment();
        }
        EnvFilter.Built env = environment(session, verdict, request, redirectEnv);
        if (env.error() != null) {
            return answered(stream, session, executed, commandId, start, 2, new byte[0], (env.error() + "\n").getBytes(StandardCharsets.UTF_8),
                    null, substitutions, false);
        }
        String cwd = request.workingDir() == null || request.workingDir().isBlank() ? session.cwd() : session.toVirtual(request.workingDir());
        Path workingDir = cwd == null ? null : session.toReal(cwd);
        if (workingDir == null || !Files.isDirectory(workingDir)) {
            String why = cwd == null ? "working_dir must be under " + session.virtualRoot() : "working_dir does not exist: " + cwd;
            return answered(stream, session, executed, commandId, start, 2, new byte[0], (why + "\n").getBytes(StandardCharsets.UTF_8),
                    null, substitutions, false);
        }
        events.record(Event.builder("command_started", session.id()).commandId(commandId)
                .field("command", argv.getFirst()).field("args", argv.subList(1, argv.size())).build());
        byte[] stdin = request.stdin() == null ? null : request.stdin().getBytes(StandardCharsets.UTF_8);
        ProcessLauncher.WorkspaceBind bind = bindWorkspace && !session.realPaths()
                ? new ProcessLauncher.WorkspaceBind(session.workspace(), cwd) : null;
        ExecveSupervisor.CommandSupervision supervision = execve == null ? null
                : execve.forCommand(session.id(), commandId, session.engine(), session::markFailed);
        CommandRunner.Result result = execution.run(new CommandRunner.Request(
                new ProcessLauncher.Launch(argv, env.env(), workingDir, bind, null, supervision), stdin,
                effectiveTimeout(session, timeout), stream), pid -> session.setCurrent(new Session.RunningCommand(commandId, pid)));
        if (supervision != null && result.pid() > 0) {
            // The response lists the command's execs; they are recorded off the supervisor's reply path.
            supervision.awaitRecorded();
        }
        return finished(session, executed, commandId, start, result.exitCode(), result.stdout(), result.stderr(), result, substitutions,
                result.timedOut());
    }

    private Duration approvalTimeout(Session session, Verdict verdict) {
        for (CommandRule r : session.engine().policy().commandRules()) {
            if (r.header().name().equals(verdict.rule()) && r.header().timeout() != null) {
                return r.header().timeout();
            }
        }
        return approvalTimeout;
    }

    /** The request's timeout, capped by the policy's command_timeout; none when neither is set. */
    private static Duration effectiveTimeout(Session session, Duration requested) {
        Duration cap = session.engine().policy().resourceLimits().commandTimeout();
        if (cap == null || cap.isZero()) {
            return requested;
        }
        return requested == null || requested.compareTo(cap) > 0 ? cap : requested;
    }

    private EnvFilter.Built environment(Session session, Verdict verdict, ExecRequest request, Map<String, String> redirectEnv) {
        Map<String, String> base = new LinkedHashMap<>();
        for (String name : BASE_ENV) {
            String v = hostEnv.get(name);
            if (v != null) {
                base.put(name, v);
            }
        }
        base.putIfAbsent("PATH", "/usr/bin:/bin");
        if (session.home() != null) {
            base.put("HOME", session.home());
        }
        Map<String, String> extras = new LinkedHashMap<>(session.env());
        if (request.env() != null) {
            extras.putAll(request.env());
        }
        extras.put("AGENTSH_IN_SESSION", "1");
        extras.put("AGENTSH_SESSION_ID", session.id());
        EnvFilter.Built built = session.engine().envFilter(verdict.rule()).build(base, extras);
        if (built.error() != null) {
            return built;
        }
        // Injected variables are the operator's, not the agent's: they bypass the filter on purpose.
        Map<String, String> env = new LinkedHashMap<>(built.env());
        env.putAll(envInject);
        env.putAll(session.engine().policy().envInject());
        env.putAll(redirectEnv);
        return new EnvFilter.Built(Map.copyOf(env), null);
    }

    private static Event policyEvent(Session session, String commandId, List<String> argv, Verdict v, Decision effective) {
        Event.Policy policy = Event.Policy.of(v, effective);
        if (v.policyDecision() == Decision.APPROVE) {
            policy = policy.withApproval(new Event.Approval(true, v.decision() == Decision.APPROVE ? "enforced" : "shadow", null));
        }
        if (v.redirect() instanceof Redirect.Command r) {
            policy = policy.withRedirect(new Event.Redirect(r.command(), r.args(), r.argsAppend(), r.environment(), v.reason()));
        }
        return Event.builder("command_policy", session.id()).commandId(commandId).operation("command_precheck")
                .policy(policy).effectiveAction(effective == Decision.DENY ? "blocked" : "allowed")
                .unwrappedFrom(v.unwrappedFrom()).payloadCommand(v.payloadCommand())
                .field("command", argv.getFirst()).field("args", argv.subList(1, argv.size())).build();
    }

    private Outcome denied(Session session, ExecRequest request, String commandId, Instant start, List<String> argv, Verdict v,
                           String code, String approvalReason) {
        String reason = approvalReason != null ? approvalReason : v.reason();
        List<ExecResponse.Suggestion> suggestions = new ArrayList<>();
        suggestions.add(new ExecResponse.Suggestion("adjust_policy", "", "rule " + v.rule() + " of policy " + session.policyName() + " denies this command"));
        if (v.policyDecision() == Decision.APPROVE) {
            suggestions.add(new ExecResponse.Suggestion("request_approval", "agentsh approve list", "an approver can allow it while the command waits"));
        }
        ExecResponse.Error error = new ExecResponse.Error(code, "command denied by policy", v.rule(), suggestions, null);
        ExecResponse.Result result = new ExecResponse.Result(126, null, null, null, null, null, null,
                Duration.between(start, Instant.now()).toMillis(), error, null);
        ExecResponse.Guidance guidance = new ExecResponse.Guidance("blocked", true, null, reason, v.rule(), "command_precheck",
                String.join(" ", argv), null, suggestions);
        ExecResponse response = new ExecResponse(commandId, session.id(), start.toString(), request, result,
                collectEvents(commandId, request.includeEvents()), guidance);
        return new Outcome(403, response);
    }

    /**
     * Finishes a request that agentsh answered itself (a builtin, or a refusal to start) and tells a streaming
     * caller, which reads output only from {@code stream}, what it would otherwise never see.
     */
    private Outcome answered(CommandRunner.OutputListener stream, Session session, ExecRequest executed, String commandId,
                             Instant start, int exitCode, byte[] stdout, byte[] stderr, CommandRunner.Result run,
                             List<ExecResponse.Suggestion> substitutions, boolean timedOut) {
        if (stream != null) {
            try {
                if (stdout.length > 0) {
                    stream.stdout(stdout, stdout.length);
                }
                if (stderr.length > 0) {
                    stream.stderr(stderr, stderr.length);
                }
            } catch (RuntimeException e) {
                // The streaming client went away; the response and the stored output still say everything.
            }
        }
        return finished(session, executed, commandId, start, exitCode, stdout, stderr, run, substitutions, timedOut);
    }

    private Outcome finished(Session session, ExecRequest executed, String commandId, Instant start, int exitCode, byte[] stdout,
                             byte[] stderr, CommandRunner.Result run, List<ExecResponse.Suggestion> substitutions, boolean timedOut) {
        long durationMs = Duration.between(start, Instant.now()).toMillis();
        long stdoutTotal = run == null ? stdout.length : run.stdoutTotalBytes();
        long stderrTotal = run == null ? stderr.length : run.stderrTotalBytes();
        boolean stdoutCut = run != null && run.stdoutTruncated();
        boolean stderrCut = run != null && run.stderrTruncated();
        Event.Builder done = Event.builder("command_finished", session.id()).commandId(commandId)
                .field("exit_code", exitCode).field("duration_ms", durationMs);
        if (timedOut) {
            done.field("error", "command timed out");
        } else if (run != null && run.startError() != null) {
            done.field("error", run.startError());
        }
        events.saveOutput(new CommandOutput(commandId, session.id(), stdout, stderr, stdoutTotal, stderrTotal, stdoutCut, stderrCut));
        events.record(done.build());
        ExecResponse.Error error = null;
        if (timedOut) {
            error = new ExecResponse.Error("E_COMMAND_FAILED", "command timed out", null, null, null);
        } else if (run != null && run.startError() != null) {
            error = new ExecResponse.Error("E_COMMAND_FAILED", run.startError(), null, null, null);
        }
        // A timeout sets both truncated flags (as the original does) without cutting anything. Pagination is offered
        // only where the store holds more than the response shows, so that the suggested command has a page to show.
        byte[] stdoutShown = shown(stdout, false);
        byte[] stderrShown = shown(stderr, timedOut);
        stdoutCut |= stdoutShown.length < stdoutTotal;
        stderrCut |= stderrShown.length < stderrTotal;
        boolean stdoutMore = stdout.length > stdoutShown.length;
        boolean stderrMore = stderr.length > stderrShown.length;
        ExecResponse.Pagination pagination = stdoutMore || stderrMore
                ? new ExecResponse.Pagination(0, INLINE_LIMIT, true, "agentsh output " + session.id() + " " + commandId
                        + " --stream " + (stdoutMore ? "stdout" : "stderr") + " --offset " + INLINE_LIMIT + " --limit " + INLINE_LIMIT)
                : null;
        ExecResponse.Result result = new ExecResponse.Result(exitCode, new String(stdoutShown, StandardCharsets.UTF_8),
                new String(stderrShown, StandardCharsets.UTF_8), stdoutCut ? true : null, stderrCut ? true : null,
                stdoutCut ? stdoutTotal : null, stderrCut ? stderrTotal : null, durationMs, error, pagination);
        ExecResponse.Events collected = collectEvents(commandId, executed.includeEvents());
        return new Outcome(200, new ExecResponse(commandId, session.id(), start.toString(), executed, result, collected,
                guidance(exitCode, timedOut, collected, substitutions)));
    }

    /**
     * The part of a captured stream the response carries: the first {@link #INLINE_LIMIT} bytes, plus the
     * runner's timeout notice when it was cut off with the rest (the notice is the one line that says why).
     */
    private static byte[] shown(byte[] captured, boolean timedOut) {
        if (captured.length <= INLINE_LIMIT) {
            return captured;
        }
        byte[] head = Arrays.copyOf(captured, INLINE_LIMIT);
        if (!timedOut) {
            return head;
        }
        byte[] withNotice = Arrays.copyOf(head, INLINE_LIMIT + TIMED_OUT_NOTICE.length);
        System.arraycopy(TIMED_OUT_NOTICE, 0, withNotice, INLINE_LIMIT, TIMED_OUT_NOTICE.length);
        return withNotice;
    }

    private static ExecResponse.Guidance guidance(int exitCode, boolean timedOut, ExecResponse.Events events,
                                                  List<ExecResponse.Suggestion> substitutions) {
        List<ExecResponse.Suggestion> subs = substitutions.isEmpty() ? null : substitutions;
        if (events.blockedOperationsCount() != null && events.blockedOperationsCount() > 0) {
            return new ExecResponse.Guidance("blocked", true, null, "an operation was blocked by policy", null, null, null, subs,
                    List.of(new ExecResponse.Suggestion("inspect_events", "", "see blocked_operations for what was blocked and by which rule")));
        }
        if (timedOut) {
            return new ExecResponse.Guidance("failed", null, true, "command timed out", null, null, null, subs,
                    List.of(new ExecResponse.Suggestion("increase_timeout", "", "run again with a longer --timeout")));
        }
        if (exitCode != 0) {
            return new ExecResponse.Guidance("failed", null, null, "command failed", null, null, null, subs, null);
        }
        return new ExecResponse.Guidance("ok", null, null, null, null, null, null, subs, null);
    }

    /** The events of one command, sorted into the four lists, then filtered by include_events (counts are kept). */
    private ExecResponse.Events collectEvents(String commandId, String include) {
        List<Event> all = events.query(EventQuery.all().withCommandId(commandId).withLimit(EventQuery.MAX_LIMIT).withAscending(true));
        List<Object> files = new ArrayList<>();
        List<Object> network = new ArrayList<>();
        List<Object> blocked = new ArrayList<>();
        List<Object> other = new ArrayList<>();
        for (Event e : all) {
            String t = e.type();
            if (t.startsWith("file_") || t.startsWith("dir_") || t.startsWith("symlink_")) {
                files.add(e);
            } else if (t.startsWith("net_") || t.equals("dns_query")) {
                network.add(e);
            } else {
                other.add(e);
            }
            boolean isBlocked = (e.policy() != null && "deny".equals(e.policy().effectiveDecision()))
                    || Boolean.TRUE.equals(e.fields().get("blocked"));
            if (isBlocked) {
                blocked.add(e);
            }
        }
        Integer fc = countOrNull(files);
        Integer nc = countOrNull(network);
        Integer bc = countOrNull(blocked);
        Integer oc = countOrNull(other);
        String mode = include == null || include.isBlank() ? "all" : include;
        return switch (mode) {
            case "none" -> new ExecResponse.Events(List.of(), List.of(), List.of(), null, fc, nc, bc, oc, true);
            case "blocked" -> new ExecResponse.Events(List.of(), List.of(), blocked, null, fc, nc, bc, oc, true);
            case "summary" -> new ExecResponse.Events(List.of(), List.of(), blocked.subList(0, Math.min(SUMMARY_LIMIT, blocked.size())),
                    null, fc, nc, bc, oc, true);
            case "all" -> new ExecResponse.Events(files, network, blocked, other, fc, nc, bc, oc, null);
            default -> throw new HttpError(400, "bad include_events \"" + include + "\": expected all, summary, blocked or none");
        };
    }

    private static Integer countOrNull(List<Object> list) {
        return list.isEmpty() ? null : list.size();
    }
}
