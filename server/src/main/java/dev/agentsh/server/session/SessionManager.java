package dev.agentsh.server.session;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.engine.EngineOptions;
import dev.agentsh.policy.engine.PolicyEngine;
import dev.agentsh.policy.load.PolicyStore;
import dev.agentsh.policy.model.Policy;
import dev.agentsh.server.host.HostExecutables;
import dev.agentsh.server.host.ProjectRoots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Creates, finds, expires and destroys sessions. Sessions live in memory only. */
public final class SessionManager {
    private static final Pattern ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{0,127}");

    /** Told about sessions coming and going, so they can be recorded as events. */
    public interface Listener {
        void created(Session session);

        /** @param reason destroyed, or expired by age or idleness */
        void ended(Session session, String reason);
    }

    private final SessionSettings settings;
    private final Listener listener;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public SessionManager(SessionSettings settings, Listener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    public Session create(CreateSessionRequest request) throws SessionException {
        String id = request.id() == null || request.id().isBlank() ? "session-" + UUID.randomUUID() : request.id();
        if (!ID.matcher(id).matches()) {
            throw new SessionException(400, "invalid session id \"" + id + "\": use letters, digits, '_' and '-' (at most 128, starting with a letter or digit)");
        }
        if (request.workspace() == null || request.workspace().isBlank()) {
            throw new SessionException(400, "workspace is required");
        }
        Path workspace = realWorkspace(request.workspace());
        String policyName = request.policy() == null || request.policy().isBlank() ? settings.defaultPolicy() : request.policy();
        if (!settings.allowed().isEmpty() && !settings.allowed().contains(policyName) && !policyName.equals(settings.defaultPolicy())) {
            throw new SessionException(400, "policy \"" + policyName + "\" is not in policies.allowed (" + String.join(", ", settings.allowed()) + ")");
        }
        boolean detect = request.detectProjectRoot() == null ? settings.detectProjectRoot() : request.detectProjectRoot();
        ProjectRoots roots = request.projectRoot() != null && !request.projectRoot().isBlank()
                ? new ProjectRoots(Path.of(request.projectRoot()), Path.of(request.projectRoot()))
                : detect ? ProjectRoots.detect(workspace, settings.projectMarkers()) : new ProjectRoots(workspace, workspace);
        String home = request.home() == null || request.home().isBlank() ? settings.serverHome() : request.home();
        PolicyEngine engine = compile(policyName, roots, home, workspace);
        boolean realPaths = request.realPaths() == null ? settings.realPathsByDefault() : request.realPaths();
        Session session = new Session(id, workspace, policyName, engine, realPaths, roots.projectRoot(), roots.gitRoot(), home);
        synchronized (sessions) {
            if (sessions.containsKey(id)) {
                throw new SessionException(409, "session already exists");
            }
            if (sessions.size() >= settings.maxSessions()) {
                throw new SessionException(400, "max sessions reached (" + settings.maxSessions() + ")");
            }
            sessions.put(id, session);
        }
        listener.created(session);
        return session;
    }

    private static Path realWorkspace(String workspace) throws SessionException {
        Path path = Path.of(workspace).toAbsolutePath();
        if (!Files.exists(path)) {
            throw new SessionException(400, "workspace does not exist: " + workspace);
        }
        if (!Files.isDirectory(path)) {
            throw new SessionException(400, "workspace is not a directory: " + workspace);
        }
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new SessionException(400, "workspace cannot be resolved: " + workspace + ": " + e.getMessage());
        }
    }

    private PolicyEngine compile(String policyName, ProjectRoots roots, String home, Path workspace) throws SessionException {
        try {
            PolicyStore.Source source = settings.policies().byName(policyName);
            Policy policy = source.load();
            EngineOptions options = new EngineOptions(roots.variables(home),
                    new HostExecutables(settings.serverPath(), workspace), settings.approvalsEnforced(), settings.shellc());
            return PolicyEngine.compile(policy, options);
        } catch (PolicyException e) {
            throw new SessionException(400, "policy \"" + policyName + "\" failed to load: " + e.getMessage());
        }
    }

    public Optional<Session> get(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    public Collection<Session> list() {
        return List.copyOf(sessions.values());
    }

    public boolean destroy(String id) {
        Session s = sessions.remove(id);
        if (s == null) {
            return false;
        }
        listener.ended(s, "destroyed");
        return true;
    }

    /** Ends sessions past their age or idle limit: the smaller of the policy's and the server's. */
    public void expire(Instant now) {
        for (Session s : list()) {
            var limits = s.engine().policy().resourceLimits();
            Duration maxAge = smaller(limits.sessionTimeout(), settings.defaultTimeout());
            Duration maxIdle = smaller(limits.idleTimeout(), settings.defaultIdleTimeout());
            String reason = null;
            if (maxAge != null && s.createdAt().plus(maxAge).isBefore(now)) {
                reason = "session_timeout";
            } else if (maxIdle != null && !s.busy() && s.lastActivity().plus(maxIdle).isBefore(now)) {
                reason = "idle_timeout";
            }
            if (reason != null && sessions.remove(s.id(), s)) {
                listener.ended(s, reason);
            }
        }
    }

    private static Duration smaller(Duration a, Duration b) {
        if (a == null || a.isZero()) {
            return b == null || b.isZero() ? null : b;
        }
        if (b == null || b.isZero()) {
            return a;
        }
        return a.compareTo(b) <= 0 ? a : b;
    }
}
