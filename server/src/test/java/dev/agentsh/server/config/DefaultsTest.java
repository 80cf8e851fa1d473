package dev.agentsh.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.security.auth.module.UnixSystem;
import dev.agentsh.server.config.ServerConfig.ApprovalMode;
import dev.agentsh.server.config.ServerConfig.AttachMode;
import dev.agentsh.server.config.ServerConfig.AuthType;
import dev.agentsh.server.config.ServerConfig.LogFormat;
import dev.agentsh.server.config.ServerConfig.LogLevel;
import dev.agentsh.server.config.ServerConfig.LogOutput;
import dev.agentsh.server.config.ServerConfig.OnTruncated;
import dev.agentsh.server.config.ServerConfig.OpaqueScripts;
import dev.agentsh.server.config.ServerConfig.SecurityMode;
import dev.agentsh.server.config.ServerConfig.TimeoutAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultsTest {
    @TempDir
    Path tmp;

    @Test
    void builtinHasEveryDefault() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        ServerConfig c = ServerConfig.builtin(files.env());
        Path data = tmp.resolve("home/.local/share/agentsh");

        assertThat(c.source()).isNull();
        assertThat(c.dataDir()).isEqualTo(data);
        assertThat(c.warnings()).isEmpty();

        assertThat(c.server().http().addr()).hasToString("127.0.0.1:18080");
        assertThat(c.server().http().readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.server().http().writeTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.server().http().maxRequestSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(c.server().unixSocket().enabled()).isTrue();
        assertThat(c.server().unixSocket().path()).isEqualTo(tmp.resolve("run/agentsh.sock"));
        assertThat(c.server().unixSocket().permissions()).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));

        assertThat(c.auth().type()).isEqualTo(AuthType.NONE);
        assertThat(c.auth().apiKey().keysFile()).isEmpty();
        assertThat(c.auth().apiKey().headerName()).isEqualTo("X-API-Key");
        assertThat(c.auth().keys()).isEmpty();

        assertThat(c.logging().level()).isEqualTo(LogLevel.INFO);
        assertThat(c.logging().format()).isEqualTo(LogFormat.TEXT);
        assertThat(c.logging().output()).isEqualTo(LogOutput.STDERR);
        assertThat(c.logging().file()).isEmpty();

        assertThat(c.audit().enabled()).isTrue();
        assertThat(c.audit().output()).contains(data.resolve("audit.jsonl"));
        assertThat(c.audit().storage().enabled()).isTrue();
        assertThat(c.audit().storage().sqlitePath()).isEqualTo(data.resolve("events.db"));

        assertThat(c.sessions().baseDir()).isEqualTo(data.resolve("sessions"));
        assertThat(c.sessions().maxSessions()).isEqualTo(100);
        assertThat(c.sessions().defaultTimeout()).isEmpty();
        assertThat(c.sessions().defaultIdleTimeout()).isEmpty();
        assertThat(c.sessions().cleanupInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.sessions().realPaths()).isFalse();

        assertThat(c.policies().dir()).isEmpty();
        assertThat(c.policies().defaultPolicy()).isEqualTo("default");
        assertThat(c.policies().allowed()).isEmpty();
        assertThat(c.policies().manifestPath()).isEmpty();
        assertThat(c.policies().detectProjectRoot()).isTrue();
        assertThat(c.policies().projectMarkers())
                .containsExactly("go.mod", "package.json", "Cargo.toml", "pyproject.toml", "pom.xml", ".git");

        assertThat(c.approvals().enabled()).isFalse();
        assertThat(c.approvals().mode()).isEqualTo(ApprovalMode.API);
        assertThat(c.approvals().timeout()).isEqualTo(Duration.ofMinutes(5));

        assertThat(c.health().path()).isEqualTo("/health");
        assertThat(c.health().readinessPath()).isEqualTo("/ready");

        var sandbox = c.sandbox();
        assertThat(sandbox.envInject()).isEmpty();
        assertThat(sandbox.seccomp().enabled()).isFalse();
        var execve = sandbox.seccomp().execve();
        assertThat(execve.enabled()).isFalse();
        assertThat(execve.maxArgc()).isEqualTo(1000);
        assertThat(execve.maxArgvBytes()).isEqualTo(65536);
        assertThat(execve.onTruncated()).isEqualTo(OnTruncated.DENY);
        assertThat(execve.approvalTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(execve.approvalTimeoutAction()).isEqualTo(TimeoutAction.DENY);
        assertThat(execve.internalBypass())
                .containsExactly(Path.of("/usr/local/bin/agentsh"), Path.of("/usr/local/bin/agentsh-unixwrap"));
        assertThat(sandbox.seccomp().shellc().opaque()).isEqualTo(OpaqueScripts.ENFORCE);
        var ptrace = sandbox.ptrace();
        assertThat(ptrace.enabled()).isFalse();
        assertThat(ptrace.attachMode()).isEqualTo(AttachMode.CHILDREN);
        assertThat(ptrace.targetPid()).isEmpty();
        assertThat(ptrace.targetPidFile()).isEmpty();
        assertThat(ptrace.trace()).isEqualTo(new ServerConfig.Trace(true, true, true, true));
        assertThat(ptrace.performance()).isEqualTo(new ServerConfig.Performance(true, 500, Duration.ofMillis(5000)));

        assertThat(c.security().mode()).isEqualTo(SecurityMode.AUTO);
        assertThat(c.security().strict()).isFalse();
    }

    @Test
    void xdgDataHomeIsUsedAndRuntimeDirFallsBackToAPerUserTmpDir() throws Exception {
        Map<String, String> env = Map.of("HOME", tmp.resolve("home").toString(), "XDG_DATA_HOME", tmp.resolve("xdg-data").toString());
        ServerConfig c = ServerConfig.builtin(env);
        assertThat(c.dataDir()).isEqualTo(tmp.resolve("xdg-data/agentsh"));
        assertThat(c.server().unixSocket().path()).isEqualTo(Path.of("/tmp/agentsh-" + new UnixSystem().getUid(), "agentsh.sock"));
    }

    @Test
    void relativeXdgDirectoriesAreIgnoredAsTheSpecRequires() throws Exception {
        Map<String, String> env = Map.of("HOME", tmp.resolve("home").toString(), "XDG_DATA_HOME", "relative/data");
        assertThat(ServerConfig.builtin(env).dataDir()).isEqualTo(tmp.resolve("home/.local/share/agentsh"));
    }

    @Test
    void aFileWithEmptySectionsGetsTheDefaultsAndKeepsItsDataBesideIt() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        Path file = files.write("conf/config.yaml", """
                server:
                auth: {}
                sandbox:
                  seccomp:
                """);
        ServerConfig c = ServerConfig.load(file, files.env());
        ServerConfig builtin = ServerConfig.builtin(files.env());
        assertThat(c.source()).isEqualTo(file);
        assertThat(c.dataDir()).isEqualTo(tmp.resolve("conf/data"));
        assertThat(c.sessions().baseDir()).isEqualTo(tmp.resolve("conf/data/sessions"));
        assertThat(c.audit().storage().sqlitePath()).isEqualTo(tmp.resolve("conf/data/events.db"));
        assertThat(c.server()).isEqualTo(builtin.server());
        assertThat(c.sandbox()).isEqualTo(builtin.sandbox());
        assertThat(c.approvals()).isEqualTo(builtin.approvals());
    }

    @Test
    void policiesDirDefaultsToPoliciesBesideTheFileOnlyWhenItExists() throws Exception {
        ConfigFiles files = new ConfigFiles(tmp);
        Path file = files.write("conf/config.yaml", "logging: {level: info}\n");
        assertThat(ServerConfig.load(file, files.env()).policies().dir()).isEmpty();

        Files.createDirectories(tmp.resolve("conf/policies"));
        assertThat(ServerConfig.load(file, files.env()).policies().dir()).contains(tmp.resolve("conf/policies"));
    }

    @Test
    void aConfigUnderEtcKeepsItsDataInVarLib() {
        Host host = Host.of(Map.of("HOME", tmp.toString()));
        assertThat(ConfigLoader.defaultDataDir(Path.of("/etc/agentsh/config.yaml"), host)).isEqualTo(Path.of("/var/lib/agentsh"));
        assertThat(ConfigLoader.defaultDataDir(Path.of("/opt/agentsh/config.yaml"), host)).isEqualTo(Path.of("/opt/agentsh/data"));
        assertThat(ConfigLoader.defaultDataDir(null, host)).isEqualTo(tmp.resolve(".local/share/agentsh"));
    }

    @Test
    void warningsAndCollectionsCannotBeModified() throws Exception {
        ServerConfig c = ServerConfig.builtin(new ConfigFiles(tmp).env());
        assertThat(c.warnings()).isUnmodifiable();
        assertThat(c.policies().projectMarkers()).isUnmodifiable();
        assertThat(c.sandbox().seccomp().execve().internalBypass()).isUnmodifiable();
        assertThat(c.sandbox().envInject()).isUnmodifiable();
        assertThat(c.server().unixSocket().permissions()).isUnmodifiable();
    }
}
