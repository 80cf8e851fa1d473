package dev.agentsh.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The server's configuration: typed values with every default filled in, paths absolute.
 * YAML keys are the original agentsh's (snake_case, same nesting); each record below names its
 * section. Sections and keys of the original that this agentsh does not implement yet are
 * accepted and listed in {@link #warnings()}; any other key is an error, because a typo in a
 * security configuration must not be silently ignored.
 *
 * @param source   the file this was loaded from; null for the built-in defaults
 * @param dataDir  where agentsh keeps its state; the default parent of sessions, events.db and audit.jsonl
 * @param warnings one line per accepted-but-ignored setting, for the server to print at start-up
 */
public record ServerConfig(
        Path source,
        Path dataDir,
        Server server,
        Auth auth,
        Logging logging,
        Audit audit,
        Sessions sessions,
        Policies policies,
        Approvals approvals,
        Health health,
        Sandbox sandbox,
        Security security,
        List<String> warnings) {

    public ServerConfig {
        warnings = List.copyOf(warnings);
    }

    /** Loads {@code file}, expanding variables and applying overrides from this process's environment. */
    public static ServerConfig load(Path file) throws ConfigException {
        return load(file, System.getenv());
    }

    /** Loads {@code file}; {@code env} supplies {@code ${VAR}} values, AGENTSH_* overrides and HOME/XDG defaults. */
    public static ServerConfig load(Path file, Map<String, String> env) throws ConfigException {
        return ConfigLoader.load(file, Host.of(env));
    }

    /** The zero-configuration defaults, with this process's environment overrides applied. */
    public static ServerConfig builtin() throws ConfigException {
        return builtin(System.getenv());
    }

    public static ServerConfig builtin(Map<String, String> env) throws ConfigException {
        return ConfigLoader.builtin(Host.of(env));
    }

    /**
     * The configuration agentsh uses when none is named on the command line: {@code $AGENTSH_CONFIG}
     * (which must exist), else {@code $XDG_CONFIG_HOME/agentsh/config.yaml|.yml} (default
     * {@code ~/.config}), else {@code /etc/agentsh/config.yaml|.yml}, else the built-in defaults.
     */
    public static ServerConfig discover(Map<String, String> env) throws ConfigException {
        return discover(env, Path.of("/etc/agentsh"));
    }

    /** {@link #discover(Map)} with the system directory as a parameter, so tests need not touch /etc. */
    static ServerConfig discover(Map<String, String> env, Path systemDir) throws ConfigException {
        Host host = Host.of(env);
        Optional<String> named = host.get("AGENTSH_CONFIG");
        if (named.isPresent()) {
            return ConfigLoader.load(Path.of(named.get()), host);
        }
        for (Path dir : List.of(host.configHome().resolve("agentsh"), systemDir)) {
            for (String name : List.of("config.yaml", "config.yml")) {
                Path candidate = dir.resolve(name);
                if (Files.isRegularFile(candidate)) {
                    return ConfigLoader.load(candidate, host);
                }
            }
        }
        return ConfigLoader.builtin(host);
    }

    /** {@code server}. */
    public record Server(Http http, UnixSocket unixSocket) {
    }

    /**
     * {@code server.http}.
     *
     * @param maxRequestSize bytes; larger request bodies are refused with 413
     */
    public record Http(ListenAddress addr, Duration readTimeout, Duration writeTimeout, long maxRequestSize) {
    }

    /** {@code server.unix_socket}: the same API on a socket file, guarded by its file mode. */
    public record UnixSocket(boolean enabled, Path path, Set<PosixFilePermission> permissions) {
        public UnixSocket {
            permissions = Set.copyOf(permissions);
        }
    }

    /**
     * {@code auth}.
     *
     * @param keys the entries of {@code api_key.keys_file}, loaded when {@code type} is api_key; else empty
     */
    public record Auth(AuthType type, ApiKeyAuth apiKey, List<ApiKey> keys) {
        public Auth {
            keys = List.copyOf(keys);
        }
    }

    /** {@code auth.api_key}. */
    public record ApiKeyAuth(Optional<Path> keysFile, String headerName) {
    }

    /** One entry of the keys file. */
    public record ApiKey(String id, String key, String description, Role role) {
        /** Never prints the secret: configurations end up in logs and error reports. */
        @Override
        public String toString() {
            return "ApiKey[id=" + id + ", role=" + role.keyword() + ", description=" + description + "]";
        }
    }

    /**
     * {@code logging}.
     *
     * @param file the log file when {@code output} is {@link LogOutput#FILE}
     */
    public record Logging(LogLevel level, LogFormat format, LogOutput output, Optional<Path> file) {
    }

    /**
     * {@code audit}.
     *
     * @param output the JSONL audit log; empty when the file sets {@code output: ""}
     */
    public record Audit(boolean enabled, Optional<Path> output, AuditStorage storage) {
    }

    /** {@code audit.storage}: the SQLite event store behind the query API. */
    public record AuditStorage(boolean enabled, Path sqlitePath) {
    }

    /**
     * {@code sessions}.
     *
     * @param defaultTimeout     empty: sessions live until destroyed
     * @param defaultIdleTimeout empty: idle sessions are kept
     */
    public record Sessions(Path baseDir, int maxSessions, Optional<Duration> defaultTimeout,
                           Optional<Duration> defaultIdleTimeout, Duration cleanupInterval, boolean realPaths) {
    }

    /**
     * {@code policies}.
     *
     * @param dir     where named policies are looked up; empty: the policies built into agentsh only
     * @param allowed the policy names sessions may ask for; empty: any
     */
    public record Policies(Optional<Path> dir, String defaultPolicy, List<String> allowed, Optional<Path> manifestPath,
                           boolean detectProjectRoot, List<String> projectMarkers) {
        public Policies {
            allowed = List.copyOf(allowed);
            projectMarkers = List.copyOf(projectMarkers);
        }
    }

    /** {@code approvals}: with {@code enabled: false}, policy "approve" decisions are logged and allowed (shadow mode). */
    public record Approvals(boolean enabled, ApprovalMode mode, Duration timeout) {
    }

    /** {@code health}: unauthenticated liveness and readiness routes. */
    public record Health(String path, String readinessPath) {
    }

    /** {@code sandbox}. */
    public record Sandbox(Map<String, String> envInject, Seccomp seccomp, Ptrace ptrace) {
        public Sandbox {
            envInject = Collections.unmodifiableMap(new LinkedHashMap<>(envInject));
        }
    }

    /** {@code sandbox.seccomp}. */
    public record Seccomp(boolean enabled, Execve execve, Shellc shellc) {
    }

    /**
     * {@code sandbox.seccomp.execve}: interception of every execve by seccomp user-notify.
     *
     * @param internalBypass agentsh's own binaries, allowed without a policy check (compared as canonical full paths)
     */
    public record Execve(boolean enabled, int maxArgc, int maxArgvBytes, OnTruncated onTruncated,
                         Duration approvalTimeout, TimeoutAction approvalTimeoutAction, List<Path> internalBypass) {
        public Execve {
            internalBypass = List.copyOf(internalBypass);
        }
    }

    /** {@code sandbox.seccomp.shellc}: what to do with {@code sh -c} scripts too complex to analyse. */
    public record Shellc(OpaqueScripts opaque) {
    }

    /**
     * {@code sandbox.ptrace}: syscall interception by ptrace where seccomp user-notify is unavailable.
     *
     * @param targetPid     for attach mode pid; wins over {@code targetPidFile} when both are set
     * @param targetPidFile for attach mode pid: a file holding the pid
     */
    public record Ptrace(boolean enabled, AttachMode attachMode, OptionalInt targetPid, Optional<Path> targetPidFile,
                         Trace trace, Performance performance) {
    }

    /** {@code sandbox.ptrace.trace}: which syscall families are intercepted. */
    public record Trace(boolean execve, boolean file, boolean network, boolean signal) {
    }

    /**
     * {@code sandbox.ptrace.performance}.
     *
     * @param maxHold {@code max_hold_ms}: how long a syscall may be held waiting for a decision
     */
    public record Performance(boolean seccompPrefilter, int maxTracees, Duration maxHold) {
    }

    /** {@code security}: which enforcement layers to require; {@code strict} refuses to run degraded. */
    public record Security(SecurityMode mode, boolean strict) {
    }

    public enum AuthType implements Keyword {
        NONE, API_KEY
    }

    public enum Role implements Keyword {
        ADMIN, APPROVER, AGENT
    }

    public enum LogLevel implements Keyword {
        DEBUG, INFO, WARN, ERROR
    }

    public enum LogFormat implements Keyword {
        TEXT, JSON
    }

    /** Where log lines go; {@code FILE} means {@link Logging#file()}. */
    public enum LogOutput {
        STDERR, STDOUT, FILE
    }

    /**
     * How a human is asked. {@code local_tty} is accepted for compatibility but this agentsh has no
     * terminal prompt yet, so the default is {@code api}: approvers answer with {@code agentsh approve}
     * or the REST API, which needs authentication.
     */
    public enum ApprovalMode implements Keyword {
        LOCAL_TTY, API
    }

    /** What happens to an execve whose argv was too long to read completely. */
    public enum OnTruncated implements Keyword {
        DENY, ALLOW, APPROVAL
    }

    public enum TimeoutAction implements Keyword {
        DENY, ALLOW
    }

    public enum OpaqueScripts implements Keyword {
        ENFORCE, ALLOW, DENY
    }

    public enum AttachMode implements Keyword {
        CHILDREN, PID, SIDECAR
    }

    public enum SecurityMode implements Keyword {
        AUTO, FULL, PTRACE, LANDLOCK, LANDLOCK_ONLY, MINIMAL;

        /** {@code landlock-only} is the one word spelled with a hyphen. */
        @Override
        public String keyword() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
