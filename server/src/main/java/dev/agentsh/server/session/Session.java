package dev.agentsh.server.session;

import dev.agentsh.policy.engine.PolicyEngine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;

/**
 * One agent's working context: a workspace, a compiled policy, and the state that persists across
 * its commands (cwd, exported variables, history). Commands of a session run one at a time.
 *
 * <p>Paths the agent sees are virtual: by default the workspace appears as {@code /workspace}
 * (with real paths, as itself). {@link #toReal} maps them onto the host.
 */
public final class Session {
    public static final String VIRTUAL_ROOT = "/workspace";
    private static final int HISTORY_LIMIT = 1000;

    private final String id;
    private final Instant createdAt;
    private final Path workspace;
    private final String policyName;
    private final PolicyEngine engine;
    private final boolean realPaths;
    private final Path projectRoot;
    private final Path gitRoot;
    private final String home;
    private final Semaphore running = new Semaphore(1, true);
    private final Map<String, String> env = new TreeMap<>();
    private final Deque<String> history = new ArrayDeque<>();
    private volatile String cwd;
    private volatile Instant lastActivity;
    private volatile RunningCommand current;
    private volatile String failure;

    /** The command a session is running now, for kill requests. */
    public record RunningCommand(String commandId, long pid) {
    }

    Session(String id, Path workspace, String policyName, PolicyEngine engine, boolean realPaths, Path projectRoot,
            Path gitRoot, String home) {
        this.id = id;
        this.createdAt = Instant.now();
        this.workspace = workspace;
        this.policyName = policyName;
        this.engine = engine;
        this.realPaths = realPaths;
        this.projectRoot = projectRoot;
        this.gitRoot = gitRoot;
        this.home = home;
        this.cwd = virtualRoot();
        this.lastActivity = createdAt;
    }

    public String id() {
        return id;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Path workspace() {
        return workspace;
    }

    public String policyName() {
        return policyName;
    }

    public PolicyEngine engine() {
        return engine;
    }

    public boolean realPaths() {
        return realPaths;
    }

    public Path projectRoot() {
        return projectRoot;
    }

    public Path gitRoot() {
        return gitRoot;
    }

    public String home() {
        return home;
    }

    public String virtualRoot() {
        return realPaths ? workspace.toString() : VIRTUAL_ROOT;
    }

    public String cwd() {
        return cwd;
    }

    public void setCwd(String virtualPath) {
        this.cwd = virtualPath;
    }

    public Instant lastActivity() {
        return lastActivity;
    }

    public void touch() {
        lastActivity = Instant.now();
    }

    public boolean busy() {
        return running.availablePermits() == 0;
    }

    /** Waits for the session's previous command to finish: one command at a time per session. */
    public void acquire() throws InterruptedException {
        running.acquire();
        touch();
    }

    public void release() {
        current = null;
        touch();
        running.release();
    }

    /** Why the session can no longer run commands (its enforcement broke), or null while it can. */
    public String failure() {
        return failure;
    }

    public void markFailed(String reason) {
        failure = reason;
    }

    public RunningCommand current() {
        return current;
    }

    public void setCurrent(RunningCommand command) {
        this.current = command;
    }

    public synchronized Map<String, String> env() {
        return Map.copyOf(env);
    }

    public synchronized void putEnv(String name, String value) {
        env.put(name, value);
    }

    public synchronized void removeEnv(String name) {
        env.remove(name);
    }

    public synchronized List<String> history() {
        return List.copyOf(history);
    }

    public synchronized void remember(String commandLine) {
        history.addLast(commandLine);
        while (history.size() > HISTORY_LIMIT) {
            history.removeFirst();
        }
    }

    /**
     * The host path of a virtual path (absolute, or relative to the cwd), or null when it leaves
     * the workspace while paths are virtual.
     */
    public Path toReal(String virtualPath) {
        String base = virtualPath.startsWith("/") ? virtualPath : cwd + "/" + virtualPath;
        String clean = Path.of(base).normalize().toString();
        if (realPaths) {
            return Path.of(clean);
        }
        if (clean.equals(VIRTUAL_ROOT)) {
            return workspace;
        }
        if (!clean.startsWith(VIRTUAL_ROOT + "/")) {
            return null;
        }
        return workspace.resolve(clean.substring(VIRTUAL_ROOT.length() + 1));
    }

    /** The virtual path of an absolute virtual or relative path, normalized; null when outside the workspace. */
    public String toVirtual(String path) {
        String base = path.startsWith("/") ? path : cwd + "/" + path;
        String clean = Path.of(base).normalize().toString();
        if (realPaths) {
            return clean;
        }
        return clean.equals(VIRTUAL_ROOT) || clean.startsWith(VIRTUAL_ROOT + "/") ? clean : null;
    }
}
