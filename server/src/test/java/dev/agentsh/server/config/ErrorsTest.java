package dev.agentsh.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every rejected configuration names file:line:column, the key, the problem and what was expected. */
class ErrorsTest {
    @TempDir
    Path tmp;

    private ConfigFiles files;
    private String file;

    @BeforeEach
    void setUp() {
        files = new ConfigFiles(tmp);
        file = tmp.resolve("config.yaml").toString();
    }

    private String error(String yaml) {
        try {
            files.load(yaml);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("expected the configuration to be rejected:\n" + yaml);
    }

    @Test
    void unknownTopLevelKey() {
        assertThat(error("""
                server:
                  http:
                    addr: 127.0.0.1:18080
                serverr: {}
                """)).startsWith(file + ":4:1: serverr: unknown key; expected one of approvals, audit, auth, capabilities, data_dir,");
    }

    @Test
    void unknownKeyInsideASection() {
        assertThat(error("""
                server:
                  http:
                    adr: 127.0.0.1:18080
                """)).isEqualTo(file + ":3:5: server.http.adr: unknown key; expected one of addr, max_request_size, read_timeout, write_timeout");
    }

    @Test
    void unknownKeyDeepInTheSandbox() {
        assertThat(error("""
                sandbox:
                  ptrace:
                    performance:
                      max_hold: 10
                """)).isEqualTo(file + ":4:7: sandbox.ptrace.performance.max_hold: unknown key; expected one of "
                + "arg_level_filter, max_hold_ms, max_tracees, seccomp_prefilter, static_allow_file, static_allow_network");
    }

    @Test
    void theRemovedHardeningProfilesKeyIsAnError() {
        assertThat(error("""
                sandbox:
                  seccomp:
                    hardening_profiles: [strict]
                """)).startsWith(file + ":3:5: sandbox.seccomp.hardening_profiles: unknown key;");
    }

    @Test
    void recognisedButUnsupportedSectionsAndKeysBecomeWarnings() throws Exception {
        ServerConfig c = files.load("""
                metrics: {enabled: true, anything: goes}
                landlock:
                  enabled: true
                server:
                  tls: {enabled: false}
                sandbox:
                  fuse: {enabled: true}
                """);
        assertThat(c.warnings()).containsExactly(
                "metrics: not supported by this agentsh yet; ignored",
                "landlock: not supported by this agentsh yet; ignored",
                "server.tls: not supported by this agentsh yet; ignored",
                "sandbox.fuse: not supported by this agentsh yet; ignored");
    }

    @Test
    void everyUnsupportedSectionOfTheOriginalIsAccepted() throws Exception {
        ServerConfig c = files.load("""
                platform: {}
                metrics: {}
                development: {}
                proxy: {}
                dlp: {}
                llm_storage: {}
                mount_profiles: {}
                landlock: {}
                capabilities: {}
                threat_feeds: {}
                tor: {}
                package_checks: {}
                skillcheck: {}
                policy_socket: {}
                """);
        assertThat(c.warnings()).hasSize(14).allMatch(w -> w.endsWith(": not supported by this agentsh yet; ignored"));
    }

    @Test
    void badDuration() {
        assertThat(error("""
                server:
                  http:
                    read_timeout: 30 seconds
                """)).isEqualTo(file + ":3:19: server.http.read_timeout: \"30 seconds\" is not a duration; "
                + "expected a number with a unit, e.g. 500ms, 30s, 5m, 1h30m");
    }

    @Test
    void zeroDuration() {
        assertThat(error("approvals:\n  timeout: 0\n"))
                .isEqualTo(file + ":2:12: approvals.timeout: must be more than zero, found \"0\" (leave the key out for the default)");
    }

    @Test
    void badEnum() {
        assertThat(error("logging:\n  level: verbose\n"))
                .isEqualTo(file + ":2:10: logging.level: \"verbose\" is not valid; expected one of debug, info, warn, error");
        assertThat(error("security:\n  mode: maximal\n"))
                .isEqualTo(file + ":2:9: security.mode: \"maximal\" is not valid; expected one of auto, full, ptrace, landlock, landlock-only, minimal");
    }

    @Test
    void theOriginalsOtherAuthTypesAndApprovalModesAreNotSupportedYet() {
        assertThat(error("auth:\n  type: oidc\n"))
                .isEqualTo(file + ":2:9: auth.type: \"oidc\" is not supported by this agentsh yet; expected one of none, api_key");
        assertThat(error("auth:\n  type: hybrid\n")).contains("\"hybrid\" is not supported by this agentsh yet");
        assertThat(error("approvals:\n  mode: totp\n"))
                .isEqualTo(file + ":2:9: approvals.mode: \"totp\" is not supported by this agentsh yet; expected one of local_tty, api");
        assertThat(error("approvals:\n  mode: webauthn\n")).contains("\"webauthn\" is not supported by this agentsh yet");
    }

    @Test
    void badPort() {
        assertThat(error("server:\n  http:\n    addr: 127.0.0.1:99999\n"))
                .isEqualTo(file + ":3:11: server.http.addr: \"99999\" is not a port; expected a number from 0 to 65535");
        assertThat(error("server:\n  http:\n    addr: 127.0.0.1\n"))
                .isEqualTo(file + ":3:11: server.http.addr: \"127.0.0.1\" is not host:port, e.g. 127.0.0.1:18080");
    }

    @Test
    void badPermissions() {
        assertThat(error("server:\n  unix_socket:\n    permissions: \"0999\"\n"))
                .isEqualTo(file + ":3:18: server.unix_socket.permissions: \"0999\" is not a file mode; expected three octal digits, e.g. \"0660\"");
        assertThat(error("server:\n  unix_socket:\n    permissions: rw-rw----\n")).contains("is not a file mode");
    }

    @Test
    void badSize() {
        assertThat(error("server:\n  http:\n    max_request_size: 10 parsecs\n"))
                .isEqualTo(file + ":3:23: server.http.max_request_size: \"10 parsecs\" is not a size; expected bytes or a number with KB, MB or GB, e.g. 10MB");
    }

    @Test
    void badNumbers() {
        assertThat(error("sessions:\n  max_sessions: lots\n"))
                .isEqualTo(file + ":2:17: sessions.max_sessions: expected an integer, found \"lots\"");
        assertThat(error("sessions:\n  max_sessions: 0\n"))
                .isEqualTo(file + ":2:17: sessions.max_sessions: must be more than zero, found 0");
    }

    @Test
    void wrongShape() {
        assertThat(error("server: 5\n")).isEqualTo(file + ":1:9: server: expected a mapping (key: value lines), found \"5\"");
        assertThat(error("sessions:\n  real_paths: yes please\n")).startsWith(file + ":2:15: sessions.real_paths: expected true or false");
    }

    @Test
    void yamlSyntaxErrorsAndEmptyFiles() {
        assertThat(error("server: [\n")).startsWith(file + ":").contains("YAML syntax error");
        assertThat(error("# nothing but a comment\n")).isEqualTo(file + ":1:1: the file is empty");
    }

    @Test
    void missingFile() {
        Path missing = tmp.resolve("nope.yaml");
        assertThatThrownBy(() -> ServerConfig.load(missing, files.env()))
                .isInstanceOf(ConfigException.class).hasMessage(missing + ": no such file");
    }

    @Test
    void internalBypassEntriesMustBeAbsolute() {
        assertThat(error("""
                sandbox:
                  seccomp:
                    execve:
                      internal_bypass: [agentsh]
                """)).isEqualTo(file + ":4:25: sandbox.seccomp.execve.internal_bypass[0]: \"agentsh\" is not an absolute path; expected e.g. /usr/local/bin/agentsh");
    }

    @Test
    void execveInterceptionNeedsSeccomp() {
        assertThat(error("""
                sandbox:
                  seccomp:
                    execve:
                      enabled: true
                """)).isEqualTo(file + ":4:16: sandbox.seccomp.execve.enabled: needs sandbox.seccomp.enabled: true");
    }

    @Test
    void ptraceAndExecveInterceptionAreMutuallyExclusive() {
        assertThat(error("""
                sandbox:
                  seccomp:
                    enabled: true
                    execve: {enabled: true}
                  ptrace:
                    enabled: true
                """)).isEqualTo(file + ":6:14: sandbox.ptrace.enabled: ptrace and sandbox.seccomp.execve.enabled are mutually exclusive; turn one of them off");
    }

    @Test
    void ptracePidModeNeedsATarget() {
        assertThat(error("""
                sandbox:
                  ptrace:
                    enabled: true
                    attach_mode: pid
                """)).isEqualTo(file + ":4:18: sandbox.ptrace.attach_mode: pid needs sandbox.ptrace.target_pid or target_pid_file (or AGENTSH_PTRACE_TARGET_PID)");
        assertThat(error("sandbox:\n  ptrace:\n    target_pid: -1\n"))
                .isEqualTo(file + ":3:17: sandbox.ptrace.target_pid: must be more than zero, found -1");
    }

    @Test
    void theDefaultPolicyMustBeAllowed() {
        assertThat(error("""
                policies:
                  default: dev-safe
                  allowed: [ci-strict]
                """)).isEqualTo(file + ":2:12: policies.default: \"dev-safe\" is not in policies.allowed [ci-strict]");
        assertThat(error("policies:\n  allowed: [ci-strict]\n"))
                .isEqualTo(file + ":2:12: policies.allowed: does not include the default policy \"default\"; add it or set policies.default");
    }

    @Test
    void policyNamesCannotLeaveThePolicyDirectory() {
        assertThat(error("policies:\n  default: ../../etc/passwd\n"))
                .isEqualTo(file + ":2:12: policies.default: \"../../etc/passwd\" is not a policy name; expected letters, digits, '_' and '-'");
    }

    @Test
    void healthPathsAndHeaderNamesAreChecked() {
        assertThat(error("health:\n  path: health\n"))
                .isEqualTo(file + ":2:9: health.path: \"health\" is not a URL path; expected one starting with /, e.g. /health");
        assertThat(error("auth:\n  api_key:\n    header_name: X API Key\n"))
                .isEqualTo(file + ":3:18: auth.api_key.header_name: \"X API Key\" is not an HTTP header name, e.g. X-API-Key");
    }

    @Test
    void envInjectNamesCannotHoldAnEqualsSign() {
        assertThat(error("sandbox:\n  env_inject:\n    \"A=B\": x\n"))
                .isEqualTo(file + ":3:12: sandbox.env_inject.A=B: is not an environment variable name");
    }
}
