package dev.agentsh.server;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.engine.EngineOptions;
import dev.agentsh.policy.engine.EngineOptions.OpaqueMode;
import dev.agentsh.policy.engine.EngineOptions.ShellcOptions;
import dev.agentsh.policy.engine.PolicyEngine;
import dev.agentsh.policy.load.PolicyStore;
import dev.agentsh.server.approvals.ApprovalManager;
import dev.agentsh.server.approvals.ApprovalRequest;
import dev.agentsh.server.config.ServerConfig;
import dev.agentsh.server.events.Event;
import dev.agentsh.server.events.EventLog;
import dev.agentsh.server.exec.CommandRunner;
import dev.agentsh.server.exec.ExecService;
import dev.agentsh.server.exec.LauncherBinary;
import dev.agentsh.server.exec.NativeLauncher;
import dev.agentsh.server.exec.ProcessLauncher;
import dev.agentsh.server.exec.WorkspaceMounts;
import dev.agentsh.kernel.detect.DetectResult;
import dev.agentsh.kernel.detect.Detector;
import dev.agentsh.kernel.detect.Probe;
import dev.agentsh.kernel.detect.ProbeResult;
import dev.agentsh.server.exec.CommandEnforcement;
import dev.agentsh.kernel.detect.ProbeStatus;
import dev.agentsh.server.seccomp.ExecveSupervisor;
import dev.agentsh.server.seccomp.SeccompNotifyProbe;
import dev.agentsh.server.seccomp.SupervisorSocket;
import dev.agentsh.server.host.HostExecutables;
import dev.agentsh.server.host.ProjectRoots;
import dev.agentsh.server.http.ApiKey;
import dev.agentsh.server.http.HttpApi;
import dev.agentsh.server.http.Request;
import dev.agentsh.server.http.Routes;
import dev.agentsh.server.session.Session;
import dev.agentsh.server.session.SessionManager;
import dev.agentsh.server.session.SessionSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The agentsh server: everything a configuration describes, wired together and listening. */
public final class AgentshServer implements AutoCloseable {
    private final EventLog events;
    private final HttpApi http;
    private final Path unixSocket;
    private final ScheduledExecutorService reaper;
    private final SupervisorSocket supervisorSocket;

    private AgentshServer(EventLog events, HttpApi http, Path unixSocket, ScheduledExecutorService reaper,
                          SupervisorSocket supervisorSocket) {
        this.events = events;
        this.http = http;
        this.unixSocket = unixSocket;
        this.reaper = reaper;
        this.supervisorSocket = supervisorSocket;
    }

    public static AgentshServer start(ServerConfig config, ServerLog log) throws IOException, PolicyException {
        for (String warning : config.warnings()) {
            log.warn("config: " + warning);
        }

        Files.createDirectories(config.dataDir());
        EventLog events = EventLog.open(config.audit().storage().enabled() ? config.audit().storage().sqlitePath() : null,
                config.audit().enabled() ? config.audit().output().orElse(null) : null);
        try {
            PolicyStore store = new PolicyStore(config.policies().dir().orElse(null), config.policies().manifestPath().orElse(null));
            var seccomp = config.sandbox().seccomp();
            ProbeResult seccompProbe = seccomp.enabled() && seccomp.execve().enabled() ? probe(new SeccompNotifyProbe()) : null;
            ExecveChoice choice = chooseExecve(config, seccompProbe);
            // A script the pre-check cannot read is left to execve interception where it runs: each program the
            // script starts is judged then.
            ShellcOptions shellc = new ShellcOptions(OpaqueMode.valueOf(seccomp.shellc().opaque().name()), choice.intercept());
            String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
            PolicyEngine global = globalEngine(config, store, shellc, path);
            ApprovalManager approvals = new ApprovalManager(approvalEvents(events));
            SessionManager sessions = new SessionManager(new SessionSettings(config.sessions().maxSessions(),
                    config.sessions().defaultTimeout().orElse(null), config.sessions().defaultIdleTimeout().orElse(null),
                    config.sessions().realPaths(), store, config.policies().defaultPolicy(), config.policies().allowed(),
                    config.policies().detectProjectRoot(), config.policies().projectMarkers(), config.approvals().enabled(), shellc,
                    System.getenv("HOME"), path), sessionEvents(events));
            Path launcherBinary = LauncherBinary.install();
            ExecveSupervisor execve = null;
            SupervisorSocket supervisorSocket = null;
            if (choice.intercept()) {
                supervisorSocket = SupervisorSocket.open(
                        launcherBinary.resolveSibling("supervisor-" + ProcessHandle.current().pid() + ".sock"));
                execve = new ExecveSupervisor(execveSettings(seccomp.execve()), events, approvals, log::warn, launcherBinary);
                log.info("execve: every exec in a command's process tree is checked against the policy (seccomp user-notify)");
            } else {
                log.warn(choice.warning());
                if (seccompProbe != null) {
                    events.record(Event.builder("security_degraded", "").field("feature", "seccomp-execve")
                            .field("reason", seccompProbe.detail()).build());
                }
            }
            ProcessLauncher launcher = new NativeLauncher(launcherBinary, supervisorSocket);
            WorkspaceMounts.Support mounts = WorkspaceMounts.probe(launcher, config.dataDir());
            if (mounts.available()) {
                log.info("workspace: each command sees its session's workspace bound at /workspace (mount namespace)");
            } else {
                log.warn("workspace: /workspace is a naming layer only (paths the server is given are translated, but"
                        + " a command opening /workspace/... itself finds nothing there): " + mounts.reason());
            }
            CommandRunner runner = new CommandRunner(launcher, ExecService.STORED_LIMIT);
            ExecService exec = new ExecService(events, runner, approvals, config.approvals().timeout(), config.sandbox().envInject(),
                    System.getenv(), mounts.available(), execve);
            Routes routes = new Routes(sessions, exec, runner, events, approvals, config.approvals().enabled(), global);
            var addr = config.server().http().addr();
            List<ApiKey> keys = config.auth().keys().stream()
                    .map(k -> new ApiKey(k.id(), k.key(), Request.Role.valueOf(k.role().name()))).toList();
            HttpApi http = new HttpApi(new HttpApi.Settings(new InetSocketAddress(addr.host(), addr.port()),
                    config.server().http().maxRequestSize(), config.auth().apiKey().headerName(), keys,
                    config.health().path(), config.health().readinessPath()), routes.router());
            http.start();
            Path unixSocket = null;
            if (config.server().unixSocket().enabled()) {
                var socket = config.server().unixSocket();
                try {
                    http.listenOnUnixSocket(socket.path(), socket.permissions());
                } catch (IOException e) {
                    http.stop();
                    throw e;
                }
                unixSocket = socket.path();
            }
            logSecurityMode(log, seccompProbe, execve != null);
            ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
            long every = Math.max(1, config.sessions().cleanupInterval().toMillis());
            reaper.scheduleWithFixedDelay(() -> sessions.expire(Instant.now()), every, every, TimeUnit.MILLISECONDS);
            return new AgentshServer(events, http, unixSocket, reaper, supervisorSocket);
        } catch (IOException | PolicyException | RuntimeException e) {
            events.close();
            throw e;
        }
    }

    /**
     * Logs the security mode commands run in, as {@code agentsh detect} would score it, from a background thread: the
     * probes take about a second, and nothing that is enforced depends on them (that was decided above).
     */
    private static void logSecurityMode(ServerLog log, ProbeResult seccompProbe, boolean execveApplied) {
        Probe seccomp = seccompProbe == null ? new SeccompNotifyProbe() : new Probe() {
            @Override
            public String name() {
                return seccompProbe.name();
            }

            @Override
            public ProbeResult run() {
                return seccompProbe;
            }
        };
        Thread.ofPlatform().daemon().name("security-mode").start(() -> {
            DetectResult r = new Detector(seccomp, CommandEnforcement.of(execveApplied)).detect();
            log.info("security mode: " + r.securityMode().word() + ", protection score " + r.protectionScore()
                    + "/100 (this host allows " + r.hostSecurityMode().word() + ", " + r.hostProtectionScore()
                    + "/100; `agentsh detect` explains each part)");
        });
    }

    /** Whether commands run with execve interception, and if not, what to warn about. */
    record ExecveChoice(boolean intercept, String warning) {
    }

    /**
     * Decides execve interception from the config and, when the config asks for it, the install probe's answer
     * ({@code probe} is null when it was not asked for). A host that refuses it degrades the server loudly, or,
     * under {@code security.strict}, stops it from starting.
     *
     * @throws IOException naming what is missing, when {@code security.strict} forbids running without it
     */
    static ExecveChoice chooseExecve(ServerConfig config, ProbeResult probe) throws IOException {
        boolean strict = config.security().strict();
        if (probe == null) {
            if (strict && config.security().mode() == ServerConfig.SecurityMode.FULL) {
                throw new IOException("security.strict with security.mode full needs sandbox.seccomp.enabled and"
                        + " sandbox.seccomp.execve.enabled");
            }
            return new ExecveChoice(false, "execve: interception is off (sandbox.seccomp.execve.enabled): only the"
                    + " command pre-check (including sh -c analysis) is enforced; programs a command starts are not checked");
        }
        if (probe.status() == ProbeStatus.AVAILABLE) {
            return new ExecveChoice(true, "");
        }
        String why = "execve interception is configured (sandbox.seccomp.execve.enabled) but this host does not allow it: "
                + probe.detail();
        if (strict) {
            throw new IOException("security.strict is set and " + why);
        }
        return new ExecveChoice(false, "execve: " + why + "; only the command pre-check is enforced (run `agentsh detect`"
                + " for details)");
    }

    /** Runs a capability probe; one that throws reports the failure as unavailable, as detect does. */
    private static ProbeResult probe(SeccompNotifyProbe probe) {
        try {
            return probe.run();
        } catch (Exception e) {
            return ProbeResult.unavailable(probe.name(), e.toString());
        }
    }

    /** Execs are matched by canonical path, so a bypass entry that is a symlink names its target. */
    private static String canonical(Path path) {
        try {
            return path.toRealPath().toString();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize().toString();
        }
    }

    private static ExecveSupervisor.Settings execveSettings(ServerConfig.Execve c) {
        return new ExecveSupervisor.Settings(c.maxArgc(), c.maxArgvBytes(),
                ExecveSupervisor.TruncatedArgv.valueOf(c.onTruncated().name()), c.approvalTimeout(),
                c.approvalTimeoutAction() == ServerConfig.TimeoutAction.ALLOW,
                c.internalBypass().stream().map(AgentshServer::canonical).collect(java.util.stream.Collectors.toSet()));
    }

    /** The engine for requests that name no session (policy/test), compiled for the server's own directory. */
    private static PolicyEngine globalEngine(ServerConfig config, PolicyStore store, ShellcOptions shellc, String path)
            throws PolicyException {
        ProjectRoots roots = ProjectRoots.detect(Path.of(""), config.policies().projectMarkers());
        // AGENTSH_POLICY_NAME picks the global policy only among policies.allowed (as the original).
        String name = PolicyStore.select(System.getenv("AGENTSH_POLICY_NAME"), config.policies().defaultPolicy(),
                config.policies().allowed());
        return PolicyEngine.compile(store.byName(name).load(),
                new EngineOptions(roots.variables(null),
                        new HostExecutables(path, Path.of("").toAbsolutePath()), config.approvals().enabled(), shellc));
    }

    private static SessionManager.Listener sessionEvents(EventLog events) {
        return new SessionManager.Listener() {
            @Override
            public void created(Session s) {
                events.record(Event.builder("session_created", s.id()).field("workspace", s.workspace().toString())
                        .field("policy", s.policyName()).field("project_root", s.projectRoot().toString())
                        .field("git_root", s.gitRoot().toString()).build());
            }

            @Override
            public void ended(Session s, String reason) {
                Event.Builder e = reason.equals("destroyed") ? Event.builder("session_destroyed", s.id())
                        : Event.builder("session_expired", s.id()).field("expired_by", reason);
                events.record(e.build());
            }
        };
    }

    private static ApprovalManager.Listener approvalEvents(EventLog events) {
        return new ApprovalManager.Listener() {
            @Override
            public void requested(ApprovalRequest r) {
                events.record(approvalEvent("approval_requested", r).build());
            }

            @Override
            public void resolved(ApprovalRequest r, ApprovalManager.Answer answer) {
                events.record(approvalEvent("approval_resolved", r)
                        .field("approved", answer.outcome() == ApprovalManager.Outcome.APPROVED)
                        .field("outcome", answer.outcome().name().toLowerCase())
                        .field("reason", answer.reason()).field("resolved_at", Instant.now().toString()).build());
            }
        };
    }

    private static Event.Builder approvalEvent(String type, ApprovalRequest r) {
        return Event.builder(type, r.sessionId()).commandId(r.commandId()).field("approval_id", r.id()).field("kind", r.kind())
                .field("target", r.target()).field("rule", r.rule()).field("message", r.message());
    }

    /** Where the server listens, e.g. {@code 127.0.0.1:18080 and /run/agentsh.sock}. */
    public String listening() {
        return http.address().getHostString() + ":" + http.address().getPort() + (unixSocket == null ? "" : " and " + unixSocket);
    }

    @Override
    public void close() throws IOException {
        reaper.shutdownNow();
        http.stop();
        if (supervisorSocket != null) {
            supervisorSocket.close();
        }
        events.close();
    }
}
