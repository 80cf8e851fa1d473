package dev.agentsh.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.policy.load.PolicyLoader;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Building a command's environment (conformance vectors V4-V6). */
class EnvFilterTest {
    private static PolicyEngine engine(String envPolicy) throws Exception {
        return PolicyEngine.compile(PolicyLoader.load("p.yaml", "version: 1\nname: p\nenv_policy: " + envPolicy + "\n"),
                EngineOptions.defaults());
    }

    @Test
    void maxKeys() throws Exception {
        var built = engine("{max_keys: 2}").envFilter("").build(Map.of("A", "1", "B", "2", "C", "3"), Map.of());
        assertThat(built.error()).isEqualTo("env exceeds max_keys (2)");
    }

    @Test
    void maxBytes() throws Exception {
        var built = engine("{max_bytes: 10}").envFilter("").build(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin"), Map.of());
        assertThat(built.error()).isEqualTo("env exceeds max_bytes (10)");
    }

    @Test
    void allowListKeepsAgentshVariablesAndDropsTheRest() throws Exception {
        Map<String, String> extras = new LinkedHashMap<>();
        extras.put("AGENTSH_IN_SESSION", "1");
        extras.put("AGENTSH_SESSION_ID", "s1");
        extras.put("CUSTOM_VAR", "x");
        var built = engine("{allow: [PATH, HOME]}").envFilter("")
                .build(Map.of("PATH", "/bin", "HOME", "/h", "OTHER_VAR", "y", "EMPTY", ""), extras);
        assertThat(built.env()).containsOnlyKeys("PATH", "HOME", "AGENTSH_IN_SESSION", "AGENTSH_SESSION_ID");
    }

    @Test
    void secretsNeverReachCommandsByDefault() throws Exception {
        var built = engine("{}").envFilter("").build(
                Map.of("PATH", "/bin", "AWS_SECRET_ACCESS_KEY", "s", "LD_PRELOAD", "/x.so", "GITHUB_TOKEN", "t"), Map.of());
        assertThat(built.env()).containsOnlyKeys("PATH");
    }

    @Test
    void commandRuleOverridesTheGlobalLists() throws Exception {
        PolicyEngine e = PolicyEngine.compile(PolicyLoader.load("p.yaml", """
                version: 1
                name: p
                env_policy: {allow: [PATH]}
                command_rules:
                  - {name: npm, commands: [npm], decision: allow, env_allow: [PATH, NPM_TOKEN]}
                """), EngineOptions.defaults());
        Map<String, String> base = Map.of("PATH", "/bin", "NPM_TOKEN", "t");
        assertThat(e.envFilter("npm").build(base, Map.of()).env()).containsOnlyKeys("PATH", "NPM_TOKEN");
        assertThat(e.envFilter("default-deny-commands").build(base, Map.of()).env()).containsOnlyKeys("PATH");
    }
}
