package dev.agentsh.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.server.config.ServerConfig.ApprovalMode;
import dev.agentsh.server.config.ServerConfig.AttachMode;
import dev.agentsh.server.config.ServerConfig.LogFormat;
import dev.agentsh.server.config.ServerConfig.LogLevel;
import dev.agentsh.server.config.ServerConfig.LogOutput;
import dev.agentsh.server.config.ServerConfig.OnTruncated;
import dev.agentsh.server.config.ServerConfig.OpaqueScripts;
import dev.agentsh.server.config.ServerConfig.SecurityMode;
import dev.agentsh.server.config.ServerConfig.TimeoutAction;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every implemented key, set to a value other than its default. */
class SectionsTest {
    @TempDir
    Path tmp;

    @Test
    void server() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("""
                server:
                  http:
                    addr: localhost:9000
                    read_timeout: 1m30s
                    write_timeout: 1h
                    max_request_size: 512KB
                  unix_socket:
                    enabled: false
                    path: sock/agentsh.sock
                    permissions: 0600
                """);
        assertThat(c.server().http().addr()).isEqualTo(new ListenAddress("localhost", 9000));
        assertThat(c.server().http().readTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.server().http().writeTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(c.server().http().maxRequestSize()).isEqualTo(512 * 1024);
        assertThat(c.server().unixSocket().enabled()).isFalse();
        assertThat(c.server().unixSocket().path()).isEqualTo(tmp.resolve("sock/agentsh.sock"));
        assertThat(c.server().unixSocket().permissions()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void loggingToAFile() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("""
                logging:
                  level: debug
                  format: json
                  output: logs/agentsh.log
                """);
        assertThat(c.logging().level()).isEqualTo(LogLevel.DEBUG);
        assertThat(c.logging().format()).isEqualTo(LogFormat.JSON);
        assertThat(c.logging().output()).isEqualTo(LogOutput.FILE);
        assertThat(c.logging().file()).contains(tmp.resolve("logs/agentsh.log"));
    }

    @Test
    void loggingToStdout() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("logging: {output: stdout, level: warn}\n");
        assertThat(c.logging().output()).isEqualTo(LogOutput.STDOUT);
        assertThat(c.logging().file()).isEmpty();
        assertThat(c.logging().level()).isEqualTo(LogLevel.WARN);
    }

    @Test
    void audit() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("""
                audit:
                  enabled: false
                  output: /var/log/agentsh/audit.jsonl
                  storage:
                    enabled: false
                    sqlite_path: db/events.db
                """);
        assertThat(c.audit().enabled()).isFalse();
        assertThat(c.audit().output()).contains(Path.of("/var/log/agentsh/audit.jsonl"));
        assertThat(c.audit().storage().enabled()).isFalse();
        assertThat(c.audit().storage().sqlitePath()).isEqualTo(tmp.resolve("db/events.db"));
    }

    @Test
    void anEmptyAuditOutputTurnsTheJsonlLogOff() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("audit:\n  output: \"\"\n");
        assertThat(c.audit().output()).isEmpty();
        assertThat(c.audit().storage().enabled()).isTrue();
    }

    @Test
    void sessions() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("""
                sessions:
                  base_dir: /srv/sessions
                  max_sessions: 7
                  default_timeout: 8h
                  default_idle_timeout: 45m
                  cleanup_interval: 30s
                  real_paths: true
                """);
        assertThat(c.sessions()).isEqualTo(new ServerConfig.Sessions(Path.of("/srv/sessions"), 7,
                Optional.of(Duration.ofHours(8)), Optional.of(Duration.ofMinutes(45)),
                Duration.ofSeconds(30), true));
    }

    @Test
    void policies() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("""
                policies:
                  dir: my-policies
                  default: dev-safe
                  allowed: [dev-safe, ci-strict]
                  manifest_path: my-policies/manifest.yaml
                  detect_project_root: false
                  project_markers: [BUILD.bazel]
                """);
        assertThat(c.policies().dir()).contains(tmp.resolve("my-policies"));
        assertThat(c.policies().defaultPolicy()).isEqualTo("dev-safe");
        assertThat(c.policies().allowed()).containsExactly("dev-safe", "ci-strict");
        assertThat(c.policies().manifestPath()).contains(tmp.resolve("my-policies/manifest.yaml"));
        assertThat(c.policies().detectProjectRoot()).isFalse();
        assertThat(c.policies().projectMarkers()).containsExactly("BUILD.bazel");
    }

    @Test
    void approvalsWithAuth() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        files.write("keys.yaml", "- {id: human, key: k1, role: approver}\n");
        ServerConfig c = files.load("""
                auth:
                  type: api_key
                  api_key: {keys_file: keys.yaml}
                approvals:
                  enabled: true
                  mode: api
                  timeout: 2m
                """);
        assertThat(c.approvals()).isEqualTo(new ServerConfig.Approvals(true, ApprovalMode.API, Duration.ofMinutes(2)));
    }

    @Test
    void localTtyApprovalsAreAcceptedWithAWarningThatThereIsNoPromptYet() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("approvals: {enabled: true, mode: local_tty}\n");
        assertThat(c.approvals().mode()).isEqualTo(ApprovalMode.LOCAL_TTY);
        assertThat(c.warnings()).singleElement().asString().startsWith("approvals.mode: local_tty has no terminal prompt");
    }

    @Test
    void health() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("health: {path: /livez, readiness_path: /readyz}\n");
        assertThat(c.health()).isEqualTo(new ServerConfig.Health("/livez", "/readyz"));
    }

    @Test
    void theSeedsSandboxBlocksLoadAsWritten() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("""
                sandbox:
                  env_inject:
                    BASH_ENV: /usr/lib/agentsh/bash_startup.sh
                    EMPTY:
                  seccomp:
                    enabled: true
                    execve:
                      enabled: true              # Enable execve interception

                      # Argv capture limits
                      max_argc: 1000            # Max args to read
                      max_argv_bytes: 65536     # Max total argv bytes
                      on_truncated: deny        # deny | allow | approval

                      # Approval settings
                      approval_timeout: 10s
                      approval_timeout_action: deny  # deny | allow

                      # Internal bypass (agentsh infrastructure)
                      internal_bypass:
                        - /usr/local/bin/agentsh
                        - /usr/local/bin/agentsh-unixwrap
                    shellc:
                      opaque: deny
                """);
        var sandbox = c.sandbox();
        assertThat(sandbox.envInject()).containsExactly(
                Map.entry("BASH_ENV", "/usr/lib/agentsh/bash_startup.sh"), Map.entry("EMPTY", ""));
        assertThat(sandbox.seccomp().enabled()).isTrue();
        assertThat(sandbox.seccomp().execve()).isEqualTo(new ServerConfig.Execve(true, 1000, 65536, OnTruncated.DENY,
                Duration.ofSeconds(10), TimeoutAction.DENY,
                List.of(Path.of("/usr/local/bin/agentsh"), Path.of("/usr/local/bin/agentsh-unixwrap"))));
        assertThat(sandbox.seccomp().shellc().opaque()).isEqualTo(OpaqueScripts.DENY);
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void execveTruncationSettings() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("""
                sandbox:
                  seccomp:
                    enabled: true
                    execve: {enabled: true, on_truncated: approval, approval_timeout: 1m, approval_timeout_action: allow, internal_bypass: []}
                """);
        var execve = c.sandbox().seccomp().execve();
        assertThat(execve.onTruncated()).isEqualTo(OnTruncated.APPROVAL);
        assertThat(execve.approvalTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(execve.approvalTimeoutAction()).isEqualTo(TimeoutAction.ALLOW);
        assertThat(execve.internalBypass()).isEmpty();
    }

    @Test
    void theSeedsPtraceBlockLoadsAsWritten() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("""
                sandbox:
                  ptrace:
                    enabled: true
                    attach_mode: children       # "children", "pid", or "sidecar"
                    trace:
                      execve: true             # Intercept execve/execveat
                      file: true               # Intercept file I/O syscalls
                      network: true            # Intercept connect/bind
                      signal: true             # Intercept signal syscalls
                    performance:
                      seccomp_prefilter: true  # BPF pre-filter for reduced overhead
                      max_tracees: 500         # Max concurrent traced processes
                      max_hold_ms: 5000        # Timeout for held syscalls (ms)
                """);
        var ptrace = c.sandbox().ptrace();
        assertThat(ptrace.enabled()).isTrue();
        assertThat(ptrace.attachMode()).isEqualTo(AttachMode.CHILDREN);
        assertThat(ptrace.trace()).isEqualTo(new ServerConfig.Trace(true, true, true, true));
        assertThat(ptrace.performance()).isEqualTo(new ServerConfig.Performance(true, 500, Duration.ofSeconds(5)));
    }

    @Test
    void ptraceAttachingToAPid() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("""
                sandbox:
                  ptrace:
                    enabled: true
                    attach_mode: pid
                    target_pid: 4242
                    target_pid_file: run/agent.pid
                    trace: {execve: true, file: false, network: false, signal: false}
                    performance: {seccomp_prefilter: false, max_tracees: 64, max_hold_ms: 250}
                """);
        var ptrace = c.sandbox().ptrace();
        assertThat(ptrace.attachMode()).isEqualTo(AttachMode.PID);
        assertThat(ptrace.targetPid()).isEqualTo(OptionalInt.of(4242));
        assertThat(ptrace.targetPidFile()).contains(tmp.resolve("run/agent.pid"));
        assertThat(ptrace.trace()).isEqualTo(new ServerConfig.Trace(true, false, false, false));
        assertThat(ptrace.performance()).isEqualTo(new ServerConfig.Performance(false, 64, Duration.ofMillis(250)));
    }

    @Test
    void security() throws Exception {
        ServerConfig c = new ConfigFiles(tmp).load("security: {mode: landlock-only, strict: true}\n");
        assertThat(c.security()).isEqualTo(new ServerConfig.Security(SecurityMode.LANDLOCK_ONLY, true));
    }

    @Test
    void dataDirKeyIsRelativeToTheFile() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        ServerConfig c = ServerConfig.load(files.write("repo/configs/config.yaml", "data_dir: ../data\n"), files.env());
        assertThat(c.dataDir()).isEqualTo(tmp.resolve("repo/data"));
        assertThat(c.audit().output()).contains(tmp.resolve("repo/data/audit.jsonl"));
        assertThat(c.audit().storage().sqlitePath()).isEqualTo(tmp.resolve("repo/data/events.db"));
        assertThat(c.sessions().baseDir()).isEqualTo(tmp.resolve("repo/data/sessions"));
    }

    @Test
    void relativePathsResolveAgainstTheConfigFilesDirectoryNotTheWorkingDirectory() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        files.write("etc/keys.yaml", "- {id: a, key: k}\n");
        Path file = files.write("etc/config.yaml", """
                auth: {type: api_key, api_key: {keys_file: keys.yaml}}
                sessions: {base_dir: ./state/../sessions}
                policies: {dir: ../shared/policies}
                """);
        ServerConfig c = ServerConfig.load(file, files.env());
        assertThat(c.auth().apiKey().keysFile()).contains(tmp.resolve("etc/keys.yaml"));
        assertThat(c.sessions().baseDir()).isEqualTo(tmp.resolve("etc/sessions"));
        assertThat(c.policies().dir()).contains(tmp.resolve("shared/policies"));
    }
}
