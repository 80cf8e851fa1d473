package dev.agentsh.server.config;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.load.YamlMap;
import dev.agentsh.policy.model.Text;
import dev.agentsh.server.config.ServerConfig.ApiKey;
import dev.agentsh.server.config.ServerConfig.ApiKeyAuth;
import dev.agentsh.server.config.ServerConfig.ApprovalMode;
import dev.agentsh.server.config.ServerConfig.Approvals;
import dev.agentsh.server.config.ServerConfig.AttachMode;
import dev.agentsh.server.config.ServerConfig.Audit;
import dev.agentsh.server.config.ServerConfig.AuditStorage;
import dev.agentsh.server.config.ServerConfig.Auth;
import dev.agentsh.server.config.ServerConfig.AuthType;
import dev.agentsh.server.config.ServerConfig.Execve;
import dev.agentsh.server.config.ServerConfig.Health;
import dev.agentsh.server.config.ServerConfig.Http;
import dev.agentsh.server.config.ServerConfig.LogFormat;
import dev.agentsh.server.config.ServerConfig.LogLevel;
import dev.agentsh.server.config.ServerConfig.LogOutput;
import dev.agentsh.server.config.ServerConfig.Logging;
import dev.agentsh.server.config.ServerConfig.OnTruncated;
import dev.agentsh.server.config.ServerConfig.OpaqueScripts;
import dev.agentsh.server.config.ServerConfig.Performance;
import dev.agentsh.server.config.ServerConfig.Policies;
import dev.agentsh.server.config.ServerConfig.Ptrace;
import dev.agentsh.server.config.ServerConfig.Sandbox;
import dev.agentsh.server.config.ServerConfig.Seccomp;
import dev.agentsh.server.config.ServerConfig.Security;
import dev.agentsh.server.config.ServerConfig.SecurityMode;
import dev.agentsh.server.config.ServerConfig.Server;
import dev.agentsh.server.config.ServerConfig.Sessions;
import dev.agentsh.server.config.ServerConfig.Shellc;
import dev.agentsh.server.config.ServerConfig.TimeoutAction;
import dev.agentsh.server.config.ServerConfig.Trace;
import dev.agentsh.server.config.ServerConfig.UnixSocket;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/** The schema: which keys each section has, their defaults and the checks that span sections. */
final class ConfigLoader {
    static final String BUILTIN = "<built-in defaults>";

    private static final List<String> IMPLEMENTED = List.of(
            "data_dir", "server", "auth", "logging", "audit", "sessions", "policies", "approvals", "health",
            "sandbox", "security");
    /** Sections of the original's schema not implemented yet: accepted so its configs load, and warned about. */
    private static final List<String> NOT_YET = List.of(
            "platform", "metrics", "development", "proxy", "dlp", "llm_storage", "mount_profiles", "landlock",
            "capabilities", "threat_feeds", "tor", "package_checks", "skillcheck", "policy_socket");

    /** Loopback, unlike the original's 0.0.0.0: the zero-config server must pass its own auth-none check. */
    private static final ListenAddress DEFAULT_ADDR = new ListenAddress("127.0.0.1", 18080);
    private static final List<String> PROJECT_MARKERS =
            List.of("go.mod", "package.json", "Cargo.toml", "pyproject.toml", "pom.xml", ".git");
    private static final List<Path> INTERNAL_BYPASS =
            List.of(Path.of("/usr/local/bin/agentsh"), Path.of("/usr/local/bin/agentsh-unixwrap"));

    private final Host host;
    private final Path source;
    private final ConfigReader in;

    private ConfigLoader(Host host, Path source, ConfigReader in) {
        this.host = host;
        this.source = source;
        this.in = in;
    }

    static ServerConfig load(Path file, Host host) throws ConfigException {
        String text = readFile(file);
        Path dir = file.toAbsolutePath().normalize().getParent();
        ConfigLoader loader = new ConfigLoader(host, file, new ConfigReader(host, file.toString(), dir));
        try {
            return loader.read(YamlMap.parse(file.toString(), text));
        } catch (PolicyException e) {
            throw new ConfigException(e);
        }
    }

    static ServerConfig builtin(Host host) throws ConfigException {
        ConfigReader in = new ConfigReader(host, BUILTIN, Path.of("").toAbsolutePath());
        try {
            return new ConfigLoader(host, null, in).read(in.empty(""));
        } catch (PolicyException e) {
            throw new ConfigException(e);
        }
    }

    static String readFile(Path file) throws ConfigException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    /**
     * The data directory when neither AGENTSH_DATA_DIR nor {@code data_dir} says: next to a config
     * file ({@code data/}), the system location for a config under /etc, the user's XDG data home
     * for the built-in defaults.
     */
    static Path defaultDataDir(Path configFile, Host host) {
        if (configFile == null) {
            return host.dataHome().resolve("agentsh");
        }
        Path file = configFile.toAbsolutePath().normalize();
        return file.startsWith("/etc") ? Path.of("/var/lib/agentsh") : file.getParent().resolve("data");
    }

    private ServerConfig read(YamlMap root) throws PolicyException, ConfigException {
        root.allowOnly(Stream.concat(IMPLEMENTED.stream(), NOT_YET.stream()).toList());
        for (String key : root.keys()) {
            if (NOT_YET.contains(key)) {
                in.notSupported(key);
            }
        }
        Path dataDir = dataDir(root);
        ServerConfig config = new ServerConfig(source, dataDir, server(root), auth(root), logging(root),
                audit(root, dataDir), sessions(root, dataDir), policies(root), approvals(root), health(root),
                sandbox(root), security(root), in.warnings());
        validate(config);
        return config;
    }

    private Path dataDir(YamlMap root) throws PolicyException, ConfigException {
        Optional<Path> configured = in.value(root, "data_dir", in::path);
        Optional<Path> fromEnv = in.env("AGENTSH_DATA_DIR", "data_dir", v -> Path.of(v).toAbsolutePath().normalize());
        return fromEnv.or(() -> configured).orElseGet(() -> defaultDataDir(source, host));
    }

    /**
     * A file under the data directory. As in the original, AGENTSH_DATA_DIR relocates it even when the
     * file names another place, so one variable gives a test or a second server its own state.
     */
    private Path dataPath(YamlMap m, String key, Path dataDir, String name) throws PolicyException {
        Optional<Path> configured = in.value(m, key, in::path);
        return host.get("AGENTSH_DATA_DIR").isPresent() ? dataDir.resolve(name) : configured.orElse(dataDir.resolve(name));
    }

    private Server server(YamlMap root) throws PolicyException, ConfigException {
        YamlMap s = in.section(root, "server", List.of("http", "unix_socket"), List.of("grpc", "tls"));
        YamlMap http = in.section(s, "http", List.of("addr", "read_timeout", "write_timeout", "max_request_size"), List.of());
        ListenAddress fileAddr = in.value(http, "addr", ListenAddress::parse).orElse(DEFAULT_ADDR);
        ListenAddress addr = in.env("AGENTSH_HTTP_ADDR", "server.http.addr", ListenAddress::parse).orElse(fileAddr);
        Http h = new Http(addr,
                in.value(http, "read_timeout", Values::duration).orElse(Duration.ofSeconds(30)),
                in.value(http, "write_timeout", Values::duration).orElse(Duration.ofMinutes(5)),
                in.value(http, "max_request_size", Values::size).orElse(10L << 20));
        YamlMap unix = in.section(s, "unix_socket", List.of("enabled", "path", "permissions"), List.of());
        UnixSocket u = new UnixSocket(unix.bool("enabled", true),
                in.value(unix, "path", in::path).orElse(host.runtimeDir().resolve("agentsh.sock")),
                in.value(unix, "permissions", Values::permissions).orElse(Values.permissions("0660")));
        return new Server(h, u);
    }

    private Auth auth(YamlMap root) throws PolicyException, ConfigException {
        YamlMap a = in.section(root, "auth", List.of("type", "api_key"), List.of("oidc"));
        AuthType type = in.value(a, "type", Values.keyword(AuthType.class, "oidc", "hybrid")).orElse(AuthType.NONE);
        YamlMap k = in.section(a, "api_key", List.of("keys_file", "header_name"), List.of());
        Optional<Path> keysFile = in.value(k, "keys_file", in::path);
        String header = in.value(k, "header_name", Values::headerName).orElse("X-API-Key");
        List<ApiKey> keys = List.of();
        if (type == AuthType.API_KEY) {
            if (keysFile.isEmpty()) {
                throw a.error("type", "api_key needs auth.api_key.keys_file, a YAML list of {id, key, description, role}");
            }
            keys = ApiKeysFile.load(keysFile.get(), host.env());
        }
        return new Auth(type, new ApiKeyAuth(keysFile, header), keys);
    }

    private Logging logging(YamlMap root) throws PolicyException, ConfigException {
        YamlMap l = in.section(root, "logging", List.of("level", "format", "output"), List.of("rotation"));
        LogLevel fileLevel = in.value(l, "level", Values.keyword(LogLevel.class)).orElse(LogLevel.INFO);
        LogLevel level = in.env("AGENTSH_LOG_LEVEL", "logging.level", Values.keyword(LogLevel.class)).orElse(fileLevel);
        LogFormat format = in.value(l, "format", Values.keyword(LogFormat.class)).orElse(LogFormat.TEXT);
        String output = in.text(l, "output").map(Text::value).orElse("stderr");
        return switch (output) {
            case "stderr" -> new Logging(level, format, LogOutput.STDERR, Optional.empty());
            case "stdout" -> new Logging(level, format, LogOutput.STDOUT, Optional.empty());
            default -> new Logging(level, format, LogOutput.FILE, in.value(l, "output", in::path));
        };
    }

    private Audit audit(YamlMap root, Path dataDir) throws PolicyException {
        YamlMap a = in.section(root, "audit", List.of("enabled", "output", "storage"),
                List.of("rotation", "webhook", "integrity", "encryption", "otel", "watchtower"));
        Optional<Text> written = in.text(a, "output");
        Optional<Path> output;
        if (written.isEmpty()) {
            output = Optional.of(dataDir.resolve("audit.jsonl"));
        } else if (written.get().value().isEmpty()) {
            output = Optional.empty(); // output: "" turns the JSONL log off; the SQLite store is separate
        } else {
            output = in.value(a, "output", in::path);
        }
        YamlMap s = in.section(a, "storage", List.of("enabled", "sqlite_path"),
                List.of("batch_size", "flush_interval", "channel_size"));
        return new Audit(a.bool("enabled", true), output,
                new AuditStorage(s.bool("enabled", true), dataPath(s, "sqlite_path", dataDir, "events.db")));
    }

    private Sessions sessions(YamlMap root, Path dataDir) throws PolicyException {
        YamlMap s = in.section(root, "sessions", List.of("base_dir", "max_sessions", "default_timeout",
                "default_idle_timeout", "cleanup_interval", "real_paths"), List.of("checkpoints"));
        return new Sessions(dataPath(s, "base_dir", dataDir, "sessions"),
                in.positive(s, "max_sessions", 100),
                in.value(s, "default_timeout", Values::duration),
                in.value(s, "default_idle_timeout", Values::duration),
                in.value(s, "cleanup_interval", Values::duration).orElse(Duration.ofMinutes(1)),
                s.bool("real_paths", false));
    }

    private Policies policies(YamlMap root) throws PolicyException {
        YamlMap p = in.section(root, "policies", List.of("dir", "default", "allowed", "manifest_path",
                        "detect_project_root", "project_markers"),
                List.of("signing", "env_policy", "env_shim_path", "reload_interval", "symlink_escape"));
        Optional<Path> dir = in.value(p, "dir", in::path).or(this::defaultPolicyDir);
        String defaultPolicy = in.value(p, "default", Values::policyName).orElse("default");
        List<String> allowed = in.list(p, "allowed", Values::policyName, List.of());
        if (!allowed.isEmpty() && !allowed.contains(defaultPolicy)) {
            throw p.has("default")
                    ? p.error("default", Values.quote(defaultPolicy) + " is not in policies.allowed " + allowed)
                    : p.error("allowed", "does not include the default policy \"default\"; add it or set policies.default");
        }
        return new Policies(dir, defaultPolicy, allowed, in.value(p, "manifest_path", in::path),
                p.bool("detect_project_root", true), in.list(p, "project_markers", Values::nonEmpty, PROJECT_MARKERS));
    }

    /** {@code policies/} beside the config file, when it exists; otherwise only the built-in policies. */
    private Optional<Path> defaultPolicyDir() {
        if (source == null) {
            return Optional.empty();
        }
        Path dir = source.toAbsolutePath().normalize().resolveSibling("policies");
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }

    private Approvals approvals(YamlMap root) throws PolicyException {
        YamlMap a = in.section(root, "approvals", List.of("enabled", "mode", "timeout"), List.of("webauthn"));
        Approvals approvals = new Approvals(in.flag(a, "enabled", false),
                in.value(a, "mode", Values.keyword(ApprovalMode.class, "totp", "webauthn")).orElse(ApprovalMode.API),
                in.value(a, "timeout", Values::duration).orElse(Duration.ofMinutes(5)));
        if (approvals.enabled() && approvals.mode() == ApprovalMode.LOCAL_TTY) {
            in.warn("approvals.mode: local_tty has no terminal prompt in this agentsh yet; approvals are answered only through the API (agentsh approve)");
        }
        return approvals;
    }

    private Health health(YamlMap root) throws PolicyException {
        YamlMap h = in.section(root, "health", List.of("path", "readiness_path"), List.of());
        return new Health(in.value(h, "path", Values::httpPath).orElse("/health"),
                in.value(h, "readiness_path", Values::httpPath).orElse("/ready"));
    }

    private Sandbox sandbox(YamlMap root) throws PolicyException, ConfigException {
        YamlMap s = in.section(root, "sandbox", List.of("env_inject", "seccomp", "ptrace"), List.of("enabled",
                "allow_degraded", "limits", "fuse", "network", "cgroups", "unix_sockets", "xpc", "mcp", "wrap_env_policy"));
        Ptrace ptrace = ptrace(s);
        Seccomp seccomp = seccomp(s, ptrace.enabled() && host.get("AGENTSH_PTRACE_ENABLED").isPresent());
        if (ptrace.enabled() && seccomp.execve().enabled()) {
            throw in.error("sandbox.ptrace.enabled", "ptrace and sandbox.seccomp.execve.enabled are mutually exclusive; turn one of them off");
        }
        return new Sandbox(envInject(s), seccomp, ptrace);
    }

    private Map<String, String> envInject(YamlMap sandbox) throws PolicyException {
        Optional<YamlMap> given = sandbox.map("env_inject");
        if (given.isEmpty()) {
            return Map.of();
        }
        YamlMap m = given.get();
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : m.keys()) {
            if (name.isEmpty() || name.contains("=") || name.indexOf('\0') >= 0) {
                throw m.error(name, "is not an environment variable name");
            }
            out.put(name, in.text(m, name).map(Text::value).orElse(""));
        }
        return out;
    }

    /**
     * @param ptraceByEnv AGENTSH_PTRACE_ENABLED turned ptrace on. The seed offers that variable as the
     *                    way to switch a configured server to ptrace mode, so it also turns execve
     *                    interception off (ptrace intercepts execve itself) instead of failing.
     */
    private Seccomp seccomp(YamlMap sandbox, boolean ptraceByEnv) throws PolicyException, ConfigException {
        YamlMap s = in.section(sandbox, "seccomp", List.of("enabled", "execve", "shellc"), List.of("mode", "unix_socket",
                "syscalls", "file_monitor", "blocked_socket_families", "socket_rules", "mitigation_sets",
                "mitigation_dirs", "wait_killable"));
        YamlMap e = in.section(s, "execve", List.of("enabled", "max_argc", "max_argv_bytes", "on_truncated",
                "approval_timeout", "approval_timeout_action", "internal_bypass"), List.of());
        boolean execveEnabled = in.flag(e, "enabled", false);
        if (execveEnabled && ptraceByEnv) {
            in.warn("sandbox.seccomp.execve.enabled: off, because AGENTSH_PTRACE_ENABLED selects ptrace mode, which intercepts execve itself");
        }
        Execve execve = new Execve(execveEnabled && !ptraceByEnv,
                in.positive(e, "max_argc", 1000),
                in.positive(e, "max_argv_bytes", 65536),
                in.value(e, "on_truncated", Values.keyword(OnTruncated.class)).orElse(OnTruncated.DENY),
                in.value(e, "approval_timeout", Values::duration).orElse(Duration.ofSeconds(10)),
                in.value(e, "approval_timeout_action", Values.keyword(TimeoutAction.class)).orElse(TimeoutAction.DENY),
                in.list(e, "internal_bypass", Values::absolutePath, INTERNAL_BYPASS));
        YamlMap sh = in.section(s, "shellc", List.of("opaque"), List.of());
        Seccomp seccomp = new Seccomp(in.flag(s, "enabled", false), execve,
                new Shellc(in.value(sh, "opaque", Values.keyword(OpaqueScripts.class)).orElse(OpaqueScripts.ENFORCE)));
        if (execveEnabled && !seccomp.enabled()) {
            // Execve interception is part of the seccomp filter; without it nothing would be intercepted.
            throw in.error("sandbox.seccomp.execve.enabled", "needs sandbox.seccomp.enabled: true");
        }
        return seccomp;
    }

    private Ptrace ptrace(YamlMap sandbox) throws PolicyException, ConfigException {
        YamlMap p = in.section(sandbox, "ptrace", List.of("enabled", "attach_mode", "target_pid", "target_pid_file",
                "trace", "performance"), List.of("on_attach_failure", "mask_tracer_pid"));
        boolean fileEnabled = in.flag(p, "enabled", false);
        boolean enabled = in.env("AGENTSH_PTRACE_ENABLED", "sandbox.ptrace.enabled", Values::flag).orElse(fileEnabled);
        AttachMode fileMode = in.value(p, "attach_mode", Values.keyword(AttachMode.class)).orElse(AttachMode.CHILDREN);
        AttachMode mode = in.env("AGENTSH_PTRACE_ATTACH_MODE", "sandbox.ptrace.attach_mode", Values.keyword(AttachMode.class)).orElse(fileMode);
        OptionalInt filePid = p.has("target_pid") ? OptionalInt.of(in.positive(p, "target_pid", 0)) : OptionalInt.empty();
        OptionalInt pid = in.env("AGENTSH_PTRACE_TARGET_PID", "sandbox.ptrace.target_pid", Values::pid)
                .map(OptionalInt::of).orElse(filePid);
        Optional<Path> filePidFile = in.value(p, "target_pid_file", in::path);
        Optional<Path> pidFile = in.env("AGENTSH_PTRACE_TARGET_PID_FILE", "sandbox.ptrace.target_pid_file",
                v -> Path.of(v).toAbsolutePath().normalize()).or(() -> filePidFile);
        if (enabled && mode == AttachMode.PID && pid.isEmpty() && pidFile.isEmpty()) {
            throw in.error("sandbox.ptrace.attach_mode", "pid needs sandbox.ptrace.target_pid or target_pid_file (or AGENTSH_PTRACE_TARGET_PID)");
        }
        YamlMap t = in.section(p, "trace", List.of("execve", "file", "network", "signal"), List.of());
        Trace trace = new Trace(t.bool("execve", true), t.bool("file", true), t.bool("network", true), t.bool("signal", true));
        YamlMap perf = in.section(p, "performance", List.of("seccomp_prefilter", "max_tracees", "max_hold_ms"),
                List.of("static_allow_file", "static_allow_network", "arg_level_filter"));
        boolean filePrefilter = perf.bool("seccomp_prefilter", true);
        Performance performance = new Performance(
                in.env("AGENTSH_PTRACE_PREFILTER", "sandbox.ptrace.performance.seccomp_prefilter", Values::flag).orElse(filePrefilter),
                in.positive(perf, "max_tracees", 500),
                Duration.ofMillis(in.positive(perf, "max_hold_ms", 5000)));
        return new Ptrace(enabled, mode, pid, pidFile, trace, performance);
    }

    private Security security(YamlMap root) throws PolicyException {
        YamlMap s = in.section(root, "security", List.of("mode", "strict"), List.of("minimum_mode", "warn_degraded"));
        return new Security(in.value(s, "mode", Values.keyword(SecurityMode.class)).orElse(SecurityMode.AUTO),
                s.bool("strict", false));
    }

    /** Checks between sections, reported at the value that came last: a file position or a variable. */
    private void validate(ServerConfig c) throws ConfigException {
        ListenAddress addr = c.server().http().addr();
        boolean authOff = c.auth().type() == AuthType.NONE;
        if (authOff && !addr.isLoopback()) {
            throw in.error("server.http.addr", addr + " is not a loopback address; with auth.type none agentsh refuses to listen there (set auth.type: api_key)");
        }
        if (authOff && c.approvals().enabled() && c.approvals().mode() == ApprovalMode.API) {
            // Without auth the approvals API is closed (anyone could approve), so nobody could answer.
            throw in.error(in.isSet("approvals.mode") ? "approvals.mode" : "approvals.enabled",
                    "approvals in api mode are answered through the approvals API, which needs auth; set auth.type: api_key (with an approver key) or approvals.enabled: false");
        }
    }
}
