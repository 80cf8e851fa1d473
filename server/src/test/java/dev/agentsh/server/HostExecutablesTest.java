package dev.agentsh.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.policy.engine.EngineOptions;
import dev.agentsh.policy.engine.PolicyEngine;
import dev.agentsh.policy.engine.Trace;
import dev.agentsh.policy.engine.Verdict;
import dev.agentsh.policy.load.PolicyLoader;
import dev.agentsh.server.host.HostExecutables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canonical paths on the real file system: Debian installs gcc as a symlink chain, which a rule
 * naming gcc must follow, while a symlink an agent makes must be judged as its target.
 */
class HostExecutablesTest {
    private static final String POLICY = """
            version: 1
            name: aliases
            command_rules:
              - {name: allow-gcc, commands: [gcc], decision: allow}
              - {name: deny-cat, commands: [cat], decision: deny}
              - {name: allow-env, commands: [env], decision: allow}
            """;

    @TempDir
    static Path workspace;
    static PolicyEngine engine;

    @BeforeAll
    static void setUp() throws Exception {
        Files.createSymbolicLink(workspace.resolve("gcc"), Path.of("/usr/bin/cat"));
        Files.createSymbolicLink(workspace.resolve("innocent"), Path.of("/usr/bin/cat"));
        HostExecutables host = new HostExecutables("/usr/bin:/bin", workspace);
        engine = PolicyEngine.compile(PolicyLoader.load("aliases.yaml", POLICY), EngineOptions.defaults().withExecutables(host));
    }

    @Test
    void gccOnThePathIsASymlinkChainAndTheRuleFollowsIt() throws Exception {
        assertThat(Path.of("/usr/bin/gcc").toRealPath().toString()).isNotEqualTo("/usr/bin/gcc");
        Verdict v = exec("/usr/bin/gcc", List.of("gcc", "-c", "x.c"), 1);
        assertThat(v.rule()).isEqualTo("allow-gcc");
        assertThat(engine.checkCommand(List.of("gcc", "--version")).rule()).isEqualTo("allow-gcc");
    }

    @Test
    void aSymlinkNamedGccToCatIsJudgedAsCat() {
        Verdict v = exec(workspace.resolve("gcc").toString(), List.of("gcc"), 0);
        assertThat(v.rule()).isEqualTo("deny-cat");
        assertThat(engine.checkCommand(List.of(workspace.resolve("gcc").toString())).rule()).isEqualTo("deny-cat");
    }

    @Test
    void anInnocentLookingSymlinkDoesNotEscapeTheDeny() {
        assertThat(exec(workspace.resolve("innocent").toString(), List.of("innocent"), 0).rule()).isEqualTo("deny-cat");
        Verdict wrapped = exec("/usr/bin/env", List.of("env", workspace.resolve("innocent").toString()), 0);
        assertThat(wrapped.rule()).isEqualTo("deny-cat");
        assertThat(wrapped.unwrappedFrom()).isEqualTo("/usr/bin/env");
    }

    /** An exec as a person writes it: the engine resolves the program in its own view first. */
    private static Verdict exec(String program, List<String> argv, int depth) {
        return engine.checkExecve(engine.canonicalExecutable(program), argv, depth, Trace.OFF);
    }

    @Test
    void relativePathsResolveAgainstTheWorkingDirectory() {
        assertThat(engine.checkCommand(List.of("./gcc")).rule()).isEqualTo("deny-cat");
    }
}
