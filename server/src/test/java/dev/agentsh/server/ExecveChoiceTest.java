package dev.agentsh.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsh.kernel.detect.ProbeResult;
import dev.agentsh.kernel.detect.Probes;
import dev.agentsh.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the server start-up turns the config and the host's answer into execve interception, or a refusal. */
class ExecveChoiceTest {
    private static final ProbeResult REFUSED = ProbeResult.unavailable(Probes.SECCOMP_USER_NOTIFY,
            "load the seccomp program: Device or resource busy");
    private static final ProbeResult WORKS = ProbeResult.available(Probes.SECCOMP_USER_NOTIFY, "answered");

    @TempDir
    Path dir;

    private ServerConfig config(String security) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "data_dir: " + dir.resolve("data") + "\n" + security);
        return ServerConfig.load(file, Map.of("HOME", dir.toString()));
    }

    @Test
    void aHostThatAllowsItGetsInterception() throws Exception {
        assertThat(AgentshServer.chooseExecve(config(""), WORKS).intercept()).isTrue();
    }

    @Test
    void aHostThatRefusesItDegradesLoudlyWithTheReason() throws Exception {
        AgentshServer.ExecveChoice choice = AgentshServer.chooseExecve(config(""), REFUSED);
        assertThat(choice.intercept()).isFalse();
        assertThat(choice.warning()).contains("does not allow it: load the seccomp program: Device or resource busy")
                .contains("only the command pre-check is enforced");
    }

    @Test
    void strictRefusesToStartWithoutIt() throws Exception {
        assertThatThrownBy(() -> AgentshServer.chooseExecve(config("security: {strict: true}\n"), REFUSED))
                .isInstanceOf(IOException.class).hasMessageStartingWith("security.strict is set and execve interception")
                .hasMessageContaining("Device or resource busy");
    }

    @Test
    void strictFullModeNeedsInterceptionConfigured() throws Exception {
        assertThatThrownBy(() -> AgentshServer.chooseExecve(config("security: {mode: full, strict: true}\n"), null))
                .isInstanceOf(IOException.class).hasMessageContaining("needs sandbox.seccomp.enabled");
        assertThat(AgentshServer.chooseExecve(config(""), null).warning()).contains("interception is off");
    }
}
