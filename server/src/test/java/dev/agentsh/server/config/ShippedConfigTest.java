package dev.agentsh.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.server.config.ServerConfig.ApprovalMode;
import dev.agentsh.server.config.ServerConfig.AuthType;
import dev.agentsh.server.config.ServerConfig.OnTruncated;
import dev.agentsh.server.config.ServerConfig.TimeoutAction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file shipped as configs/server-config.yaml, for {@code ./bin/agentsh server --config configs/server-config.yaml}. */
class ShippedConfigTest {
    private static final Path SHIPPED = Path.of("../configs/server-config.yaml").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void loadsForLocalDevelopmentWithStateInTheRepository() throws Exception {
        ServerConfig c = ServerConfig.load(SHIPPED, Map.of("HOME", tmp.toString(), "XDG_RUNTIME_DIR", tmp.toString()));
        Path configs = SHIPPED.getParent();
        Path repoData = configs.resolveSibling("data");

        assertThat(c.warnings()).isEmpty();
        assertThat(c.server().http().addr()).hasToString("127.0.0.1:18080");
        assertThat(c.auth().type()).isEqualTo(AuthType.NONE);
        assertThat(c.dataDir()).isEqualTo(repoData);
        assertThat(c.audit().storage().sqlitePath()).isEqualTo(repoData.resolve("events.db"));
        assertThat(c.audit().output()).contains(repoData.resolve("audit.jsonl"));
        assertThat(c.sessions().baseDir()).isEqualTo(repoData.resolve("sessions"));
        assertThat(c.policies().dir()).contains(configs.resolve("policies"));
        assertThat(c.policies().defaultPolicy()).isEqualTo("default");
        assertThat(c.approvals().enabled()).isFalse();
        assertThat(c.approvals().mode()).isEqualTo(ApprovalMode.API);
        assertThat(c.server().unixSocket().path()).isEqualTo(tmp.resolve("agentsh.sock"));

        assertThat(c.sandbox().seccomp().enabled()).isTrue();
        assertThat(c.sandbox().seccomp().execve()).isEqualTo(new ServerConfig.Execve(true, 1000, 65536, OnTruncated.DENY,
                Duration.ofSeconds(10), TimeoutAction.DENY,
                List.of(Path.of("/usr/local/bin/agentsh"), Path.of("/usr/local/bin/agentsh-unixwrap"))));
        assertThat(c.sandbox().ptrace().enabled()).isFalse();
    }

    @Test
    void switchesToPtraceModeWithTheSeedsEnvironmentVariables() throws Exception {
        ServerConfig c = ServerConfig.load(SHIPPED, Map.of("HOME", tmp.toString(),
                "AGENTSH_PTRACE_ENABLED", "1", "AGENTSH_PTRACE_ATTACH_MODE", "children"));
        assertThat(c.sandbox().ptrace().enabled()).isTrue();
        assertThat(c.sandbox().seccomp().execve().enabled()).isFalse();
    }
}
