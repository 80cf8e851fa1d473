package dev.agentsh.policy.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.policy.Decision;
import dev.agentsh.policy.model.DepthRange;
import dev.agentsh.policy.model.Policy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PolicyLoaderTest {
    @Test
    void resourceLimitsAndDurations() throws Exception {
        Policy p = PolicyLoader.load("p.yaml", """
                version: 1
                name: p
                resource_limits: {command_timeout: 12s, session_timeout: 34m, idle_timeout: 1h30m, max_memory_mb: 2048, pids_max: 100}
                """);
        assertThat(p.resourceLimits().commandTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(p.resourceLimits().sessionTimeout()).isEqualTo(Duration.ofMinutes(34));
        assertThat(p.resourceLimits().idleTimeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(p.resourceLimits().maxMemoryMb()).isEqualTo(2048);
        assertThat(p.resourceLimits().pidsMax()).isEqualTo(100);
    }

    @Test
    void contextForms() throws Exception {
        Policy p = PolicyLoader.load("p.yaml", """
                version: 1
                name: p
                command_rules:
                  - {name: a, commands: [x], decision: allow, context: [direct]}
                  - {name: b, commands: [x], decision: allow, context: [nested]}
                  - {name: c, commands: [x], decision: allow, context: {min_depth: 1, max_depth: 3}}
                  - {name: d, commands: [x], decision: allow}
                  - {name: e, commands: [x], decision: allow, context: [nested, direct]}
                  - {name: f, commands: [x], decision: allow, context: {max_depth: 0}}
                """);
        assertThat(p.commandRules()).extracting(r -> r.context()).containsExactly(DepthRange.DIRECT, DepthRange.NESTED,
                new DepthRange(1, 3), DepthRange.ALL, DepthRange.ALL, DepthRange.DIRECT);
    }

    @Test
    void decisionsAreCaseInsensitiveAndRuleNamesDefaultToTheirPosition() throws Exception {
        Policy p = PolicyLoader.load("p.yaml", """
                version: 1
                name: p
                file_rules:
                  - {paths: [/x], decision: DENY}
                """);
        assertThat(p.fileRules().getFirst().header().decision()).isEqualTo(Decision.DENY);
        assertThat(p.fileRules().getFirst().header().name()).isEqualTo("file_rules[0]");
    }

    @Test
    void everyShippedPolicyLoads() throws Exception {
        for (String name : PolicyStore.BUILTIN) {
            Policy p = PolicyLoader.load(name, PolicyStore.builtinText(name).orElseThrow());
            assertThat(p.name()).isEqualTo(name);
        }
    }
}
