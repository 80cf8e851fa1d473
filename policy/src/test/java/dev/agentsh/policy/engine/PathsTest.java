package dev.agentsh.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.policy.load.PolicyLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathsTest {
    @ParameterizedTest
    @CsvSource({
        "/a/../etc/shadow, /etc/shadow",
        "//etc//shadow, /etc/shadow",
        "/etc/./shadow, /etc/shadow",
        "/../../etc, /etc",
        "/tmp/, /tmp/",
        "/tmp/x/.., /tmp",
        "relative/../x, relative/../x",
        "/, /",
    })
    void normalize(String path, String expected) {
        assertThat(Paths.normalize(path)).isEqualTo(expected);
    }

    @Test
    void dotDotCannotSlipPastARule() throws Exception {
        PolicyEngine engine = PolicyEngine.compile(PolicyLoader.load("p.yaml", """
                version: 1
                name: p
                file_rules:
                  - {name: deny-shadow, paths: [/etc/shadow], decision: deny}
                  - {name: allow-workspace, paths: ["/work/**"], decision: allow}
                """), EngineOptions.defaults());
        assertThat(engine.checkFile("/work/../etc/shadow", "open").rule()).isEqualTo("deny-shadow");
        assertThat(engine.checkFile("/work/../etc/passwd", "write").rule()).isEqualTo("default-deny-files");
    }
}
