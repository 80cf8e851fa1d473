package dev.agentsh.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.policy.Decision;
import dev.agentsh.policy.load.PolicyLoader;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * The execve check asks for the depth only when a rule with a {@code context} matches the program: reading it
 * costs the supervisor a {@code /proc} lookup, and most decisions do not depend on it.
 */
class ExecveDepthTest {
    private static final PolicyEngine ENGINE = compile();

    private static PolicyEngine compile() {
        try {
            return PolicyEngine.compile(PolicyLoader.load("d.yaml", """
                    version: 1
                    name: d
                    command_rules:
                      - {name: compiler-internals, commands: [cc1], decision: allow, context: [nested]}
                      - {name: agent-direct, commands: [claude], decision: allow, context: [direct]}
                      - {name: no-curl, commands: [curl], decision: deny}
                      - {name: tools, commands: [ls, env, cc1, claude], decision: allow}
                      - {name: deep-only, commands: [make], decision: deny, context: {min_depth: 3}}
                      - {name: make, commands: [make], decision: allow}
                    """), EngineOptions.defaults());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A depth source that counts how often it was asked. */
    private static final class Counted implements IntSupplier {
        final AtomicInteger asked = new AtomicInteger();
        final int depth;

        Counted(int depth) {
            this.depth = depth;
        }

        @Override
        public int getAsInt() {
            asked.incrementAndGet();
            return depth;
        }
    }

    @Test
    void aDecisionNoContextRuleTakesPartInNeverAsksForTheDepth() {
        Counted depth = new Counted(2);
        Verdict ls = ENGINE.checkExecve("/usr/bin/ls", List.of("ls"), depth);
        Verdict curl = ENGINE.checkExecve("/usr/bin/curl", List.of("curl", "x"), depth);
        Verdict unknown = ENGINE.checkExecve("/opt/x", List.of("x"), depth);
        assertThat(ls.decision()).isEqualTo(Decision.ALLOW);
        assertThat(curl.rule()).isEqualTo("no-curl");
        assertThat(unknown.decision()).isEqualTo(Decision.DENY);
        assertThat(depth.asked).hasValue(0);
        assertThat(ls.depth()).as("the verdict carries no depth nobody read").isNull();
    }

    @Test
    void aContextRuleThatMatchesTheProgramAsksOnceAndDecidesByIt() {
        Counted nested = new Counted(1);
        Verdict v = ENGINE.checkExecve("/usr/lib/gcc/x86_64-linux-gnu/12/cc1", List.of("cc1"), nested);
        assertThat(v.rule()).isEqualTo("compiler-internals");
        assertThat(v.depth()).isEqualTo(1);
        assertThat(nested.asked).hasValue(1);

        Counted direct = new Counted(0);
        Verdict d = ENGINE.checkExecve("/usr/lib/gcc/x86_64-linux-gnu/12/cc1", List.of("cc1"), direct);
        assertThat(d.rule()).as("[nested] does not apply at depth 0; the next rule does").isEqualTo("tools");
        assertThat(direct.asked).hasValue(1);
    }

    @Test
    void theDepthOfAWrappersPayloadIsOneMoreWhenAsked() {
        Counted depth = new Counted(0);
        Verdict v = ENGINE.checkExecve("/usr/bin/env", List.of("env", "claude"), depth);
        assertThat(v.rule()).as("claude under env is at depth 1, so [direct] does not apply").isEqualTo("tools");
        assertThat(depth.asked).hasValue(1);
    }

    @Test
    void depthRangesStillApply() {
        assertThat(ENGINE.checkExecve("/usr/bin/make", List.of("make"), new Counted(2)).rule()).isEqualTo("make");
        assertThat(ENGINE.checkExecve("/usr/bin/make", List.of("make"), new Counted(3)).rule()).isEqualTo("deep-only");
    }

    @Test
    void aDepthThatCannotBeReadFailsTheCheckRatherThanGuessing() {
        IntSupplier gone = () -> {
            throw new IllegalStateException("process gone");
        };
        assertThat(ENGINE.checkExecve("/usr/bin/ls", List.of("ls"), gone).decision()).isEqualTo(Decision.ALLOW);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> ENGINE.checkExecve("/usr/bin/cc1", List.of("cc1"), gone)).hasMessage("process gone");
    }
}
