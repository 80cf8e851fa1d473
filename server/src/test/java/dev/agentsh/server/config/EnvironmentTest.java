package dev.agentsh.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsh.server.config.ServerConfig.AttachMode;
import dev.agentsh.server.config.ServerConfig.LogLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ${VAR}} expansion and the AGENTSH_* overrides, all from the environment map handed in. */
class EnvironmentTest {
    @TempDir
    Path tmp;

    private ConfigFiles files;
    private String file;

    @BeforeEach
    void setUp() {
        files = new ConfigFiles(tmp);
        file = tmp.resolve("config.yaml").toString();
    }

    @Test
    void variablesAndDefaultsAreExpandedInValues() throws Exception {
        ServerConfig c = files.load("""
                sessions:
                  base_dir: ${STATE}/sessions
                  default_timeout: ${SESSION_TIMEOUT:-2h}
                logging:
                  level: ${LEVEL:-warn}
                policies:
                  project_markers: ["${MARKER}", Makefile]
                sandbox:
                  env_inject:
                    GREETING: "hello ${WHO:-world}"
                """, "STATE", "/srv/agentsh", "LEVEL", "", "MARKER", "WORKSPACE");
        assertThat(c.sessions().baseDir()).isEqualTo(Path.of("/srv/agentsh/sessions"));
        assertThat(c.sessions().defaultTimeout()).contains(Duration.ofHours(2));
        assertThat(c.logging().level()).as("an empty variable takes the default, as in the shell").isEqualTo(LogLevel.WARN);
        assertThat(c.policies().projectMarkers()).containsExactly("WORKSPACE", "Makefile");
        assertThat(c.sandbox().envInject()).containsEntry("GREETING", "hello world");
    }

    @Test
    void dollarDollarBraceIsALiteralAndBareDollarIsLeftAlone() throws Exception {
        ServerConfig c = files.load("""
                sandbox:
                  env_inject:
                    LITERAL: "$${HOME}"
                    BARE: $HOME/bin
                """);
        assertThat(c.sandbox().envInject()).containsEntry("LITERAL", "${HOME}").containsEntry("BARE", "$HOME/bin");
    }

    @Test
    void anUndefinedVariableIsAnErrorAtItsPosition() {
        assertThatThrownBy(() -> files.load("sessions:\n  base_dir: ${NOPE}/sessions\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":2:13: sessions.base_dir: environment variable NOPE is not set; set it or write ${NOPE:-default}");
        assertThatThrownBy(() -> files.load("policies:\n  project_markers: [a, \"${NOPE}\"]\n"))
                .hasMessage(file + ":2:24: policies.project_markers[1]: environment variable NOPE is not set; set it or write ${NOPE:-default}");
    }

    @Test
    void malformedReferencesAreErrors() {
        assertThatThrownBy(() -> files.load("sessions:\n  base_dir: ${STATE\n"))
                .hasMessage(file + ":2:13: sessions.base_dir: unterminated \"${\"; write ${NAME} or ${NAME:-default}");
        assertThatThrownBy(() -> files.load("sessions:\n  base_dir: ${1X}\n"))
                .hasMessage(file + ":2:13: sessions.base_dir: \"${1X}\" is not a variable reference; write ${NAME} or ${NAME:-default}");
    }

    @Test
    void httpAddrAndLogLevelOverrides() throws Exception {
        ServerConfig c = files.load("server: {http: {addr: 127.0.0.1:18080}}\nlogging: {level: info}\n",
                "AGENTSH_HTTP_ADDR", "127.0.0.1:9999", "AGENTSH_LOG_LEVEL", "debug");
        assertThat(c.server().http().addr()).isEqualTo(new ListenAddress("127.0.0.1", 9999));
        assertThat(c.logging().level()).isEqualTo(LogLevel.DEBUG);
    }

    @Test
    void overridesApplyToTheBuiltinDefaultsToo() throws Exception {
        ServerConfig c = ServerConfig.builtin(files.env("AGENTSH_LOG_LEVEL", "error"));
        assertThat(c.logging().level()).isEqualTo(LogLevel.ERROR);
    }

    @Test
    void anEmptyVariableIsNoOverride() throws Exception {
        ServerConfig c = files.load("logging: {level: warn}\n", "AGENTSH_LOG_LEVEL", "");
        assertThat(c.logging().level()).isEqualTo(LogLevel.WARN);
    }

    @Test
    void badOverridesNameTheVariable() {
        assertThatThrownBy(() -> files.load("{}\n", "AGENTSH_LOG_LEVEL", "loud"))
                .hasMessage("AGENTSH_LOG_LEVEL: \"loud\" is not valid; expected one of debug, info, warn, error");
        assertThatThrownBy(() -> files.load("{}\n", "AGENTSH_HTTP_ADDR", "nonsense"))
                .hasMessage("AGENTSH_HTTP_ADDR: \"nonsense\" is not host:port, e.g. 127.0.0.1:18080");
        assertThatThrownBy(() -> files.load("{}\n", "AGENTSH_PTRACE_ENABLED", "maybe"))
                .hasMessage("AGENTSH_PTRACE_ENABLED: \"maybe\" is not on or off; expected 1 or 0 (or true or false)");
        assertThatThrownBy(() -> files.load("{}\n", "AGENTSH_PTRACE_ATTACH_MODE", "all"))
                .hasMessage("AGENTSH_PTRACE_ATTACH_MODE: \"all\" is not valid; expected one of children, pid, sidecar");
        assertThatThrownBy(() -> files.load("{}\n", "AGENTSH_PTRACE_TARGET_PID", "-3"))
                .hasMessage("AGENTSH_PTRACE_TARGET_PID: \"-3\" is not a process id; expected a positive number");
        assertThatThrownBy(() -> files.load("{}\n", "AGENTSH_PTRACE_PREFILTER", "2"))
                .hasMessage("AGENTSH_PTRACE_PREFILTER: \"2\" is not on or off; expected 1 or 0 (or true or false)");
    }

    @Test
    void aNonLoopbackAddressFromTheEnvironmentIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> files.load("server: {http: {addr: 127.0.0.1:18080}}\n", "AGENTSH_HTTP_ADDR", "0.0.0.0:80"))
                .hasMessage("AGENTSH_HTTP_ADDR (environment): server.http.addr: 0.0.0.0:80 is not a loopback address; "
                        + "with auth.type none agentsh refuses to listen there (set auth.type: api_key)");
    }

    @Test
    void dataDirOverrideRelocatesTheStateEvenWhereTheFileNamesOtherPlaces() throws Exception {
        Path data = tmp.resolve("elsewhere");
        ServerConfig c = files.load("""
                data_dir: ./data
                sessions: {base_dir: /srv/sessions}
                audit:
                  output: /var/log/agentsh/audit.jsonl
                  storage: {sqlite_path: /srv/events.db}
                """, "AGENTSH_DATA_DIR", data.toString());
        assertThat(c.dataDir()).isEqualTo(data);
        assertThat(c.sessions().baseDir()).isEqualTo(data.resolve("sessions"));
        assertThat(c.audit().storage().sqlitePath()).isEqualTo(data.resolve("events.db"));
        assertThat(c.audit().output()).as("the JSONL log is not part of the data directory override")
                .contains(Path.of("/var/log/agentsh/audit.jsonl"));
    }

    @Test
    void dataDirOverrideAlsoMovesTheDefaultAuditLog() throws Exception {
        Path data = tmp.resolve("elsewhere");
        ServerConfig c = ServerConfig.builtin(files.env("AGENTSH_DATA_DIR", data.toString()));
        assertThat(c.dataDir()).isEqualTo(data);
        assertThat(c.audit().output()).contains(data.resolve("audit.jsonl"));
    }

    @Test
    void ptraceOverridesFromTheSeed() throws Exception {
        ServerConfig c = files.load("{}\n",
                "AGENTSH_PTRACE_ENABLED", "1",
                "AGENTSH_PTRACE_ATTACH_MODE", "pid",
                "AGENTSH_PTRACE_TARGET_PID", "4242",
                "AGENTSH_PTRACE_TARGET_PID_FILE", "/run/agent.pid",
                "AGENTSH_PTRACE_PREFILTER", "0");
        var ptrace = c.sandbox().ptrace();
        assertThat(ptrace.enabled()).isTrue();
        assertThat(ptrace.attachMode()).isEqualTo(AttachMode.PID);
        assertThat(ptrace.targetPid()).isEqualTo(OptionalInt.of(4242));
        assertThat(ptrace.targetPidFile()).contains(Path.of("/run/agent.pid"));
        assertThat(ptrace.performance().seccompPrefilter()).isFalse();
    }

    @Test
    void ptraceOverridesWinOverTheFile() throws Exception {
        ServerConfig c = files.load("""
                sandbox:
                  ptrace:
                    enabled: true
                    attach_mode: pid
                    target_pid: 10
                    performance: {seccomp_prefilter: false}
                """, "AGENTSH_PTRACE_ENABLED", "0", "AGENTSH_PTRACE_ATTACH_MODE", "sidecar",
                "AGENTSH_PTRACE_TARGET_PID", "11", "AGENTSH_PTRACE_PREFILTER", "1");
        var ptrace = c.sandbox().ptrace();
        assertThat(ptrace.enabled()).isFalse();
        assertThat(ptrace.attachMode()).isEqualTo(AttachMode.SIDECAR);
        assertThat(ptrace.targetPid()).isEqualTo(OptionalInt.of(11));
        assertThat(ptrace.performance().seccompPrefilter()).isTrue();
    }

    @Test
    void pidModeFromTheEnvironmentWithoutATargetNamesTheVariable() {
        assertThatThrownBy(() -> files.load("{}\n", "AGENTSH_PTRACE_ENABLED", "1", "AGENTSH_PTRACE_ATTACH_MODE", "pid"))
                .hasMessage("AGENTSH_PTRACE_ATTACH_MODE (environment): sandbox.ptrace.attach_mode: pid needs sandbox.ptrace.target_pid "
                        + "or target_pid_file (or AGENTSH_PTRACE_TARGET_PID)");
    }

    @Test
    void ptraceFromTheEnvironmentTurnsExecveInterceptionOffWithAWarning() throws Exception {
        ServerConfig c = files.load("""
                sandbox:
                  seccomp:
                    enabled: true
                    execve: {enabled: true}
                """, "AGENTSH_PTRACE_ENABLED", "1");
        assertThat(c.sandbox().ptrace().enabled()).isTrue();
        assertThat(c.sandbox().seccomp().enabled()).isTrue();
        assertThat(c.sandbox().seccomp().execve().enabled()).isFalse();
        assertThat(c.warnings()).containsExactly("sandbox.seccomp.execve.enabled: off, because AGENTSH_PTRACE_ENABLED "
                + "selects ptrace mode, which intercepts execve itself");
    }

    @Test
    void theEnvironmentIsTheMapHandedIn() throws Exception {
        ServerConfig c = ServerConfig.builtin(Map.of("HOME", tmp.toString(), "XDG_RUNTIME_DIR", "/run/user/4242"));
        assertThat(c.server().unixSocket().path()).isEqualTo(Path.of("/run/user/4242/agentsh.sock"));
        assertThat(c.dataDir()).isEqualTo(tmp.resolve(".local/share/agentsh"));
    }
}
