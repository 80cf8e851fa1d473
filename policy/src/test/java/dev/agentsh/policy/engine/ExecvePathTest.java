package dev.agentsh.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.policy.load.PolicyLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The execve check judges the path it is given: the supervisor resolved it as the exec'ing process sees the file
 * system, which may differ from the view the engine's resolver has (a workspace bound over /workspace, say).
 */
class ExecvePathTest {
    /** The engine's own view: here cc is gcc, and curl is found on PATH. */
    private static final ExecutableResolver VIEW = ExecutableResolver.of(Map.of(
            "/usr/bin/cc", "/usr/bin/gcc-12", "curl", "/usr/bin/curl"));
    private static final PolicyEngine ENGINE = compile();

    private static PolicyEngine compile() {
        try {
            return PolicyEngine.compile(PolicyLoader.load("p.yaml", """
                    version: 1
                    name: p
                    command_rules:
                      - {name: no-gcc, commands: [gcc-12], decision: deny}
                      - {name: no-curl, commands: [curl], decision: deny}
                      - {name: rest, commands: ["*"], decision: allow}
                    """), EngineOptions.defaults().withExecutables(VIEW));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theExecPathIsJudgedAsGivenNotResolvedAgain() {
        assertThat(ENGINE.checkExecve("/usr/bin/cc", List.of("cc", "-c", "x.c"), 1).rule()).isEqualTo("rest");
        assertThat(ENGINE.checkExecve("/usr/bin/gcc-12", List.of("cc", "-c", "x.c"), 1).rule()).isEqualTo("no-gcc");
    }

    @Test
    void aWrappersPayloadIsStillResolvedInTheEnginesView() {
        assertThat(ENGINE.checkExecve("/usr/bin/env", List.of("env", "curl", "x"), 0).rule()).isEqualTo("no-curl");
    }

    @Test
    void whatAPersonWritesIsResolvedFirst() {
        assertThat(ENGINE.canonicalExecutable("/usr/bin/cc")).isEqualTo("/usr/bin/gcc-12");
        assertThat(ENGINE.canonicalExecutable("curl")).isEqualTo("/usr/bin/curl");
        assertThat(ENGINE.canonicalExecutable("/opt/unknown")).isEqualTo("/opt/unknown");
    }
}
