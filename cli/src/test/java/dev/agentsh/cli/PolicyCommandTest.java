package dev.agentsh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy commands as a user runs them: output, exit codes and error messages. */
class PolicyCommandTest {
    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void version() {
        assertThat(run("--version").out()).matches("agentsh \\d+\\.\\d+\\.\\d+\\s*");
    }

    @Test
    void validateBuiltInsAndFiles() {
        Run ok = run("policy", "validate", "default", "agent-default", "../configs/policies/dev-safe.yaml");
        assertThat(ok.exit()).isZero();
        assertThat(ok.out().lines()).hasSize(3).allMatch(l -> l.startsWith("ok "));
    }

    @Test
    void validateReportsEveryBrokenFileAndFails(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "version: 1\nname: b\ncommand_rules:\n  - {name: a, commands: [ls], decision: alow}\n");
        Run r = run("policy", "validate", "default", broken.toString(), dir.resolve("missing.yaml").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("ok builtin:default");
        assertThat(r.err()).contains(broken + ":4:41: command_rules[0].decision: unknown decision \"alow\"")
                .contains("missing.yaml: no such file");
    }

    @Test
    void checkJsonHasOnlyTheDocumentedKeys() throws Exception {
        Run r = run("policy", "check", "--policy", "default", "--output", "json", "exec", "--depth", "1", "--",
                "env", "-i", "nice", "-n", "5", "rm", "-rf", "/");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(Set.of("decision", "policy_decision", "rule", "reason", "redirect", "unwrapped_from",
                "payload_command", "depth", "trace")).containsAll(keys);
        assertThat(json.get("decision").asText()).isEqualTo("deny");
        assertThat(json.get("payload_command").asText()).isEqualTo("rm");
        assertThat(json.get("depth").asInt()).isEqualTo(1);
        assertThat(json.get("trace").size()).isPositive();
    }

    @Test
    void checkTextShowsDecisionRuleAndTrace() {
        Run r = run("policy", "check", "file", "--op", "open", "/etc/shadow");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("decision: DENY").contains("rule:").contains("trace:");
    }

    @Test
    void badFlagsSayWhatIsExpected() {
        Run op = run("policy", "check", "file", "--op", "wrte", "/x");
        assertThat(op.exit()).isEqualTo(2);
        assertThat(op.err()).contains("--op expects one of").contains("\"wrte\"");
        Run net = run("policy", "check", "net", "example.com:99999");
        assertThat(net.exit()).isEqualTo(2);
        assertThat(net.err()).contains("expected HOST, HOST:PORT or [IPv6]:PORT");
        Run var = run("policy", "check", "--var", "NOEQUALS", "env", "X");
        assertThat(var.err()).contains("--var expects NAME=VALUE");
        Run sig = run("policy", "check", "signal", "--signal", "SIGFOO", "--target", "children");
        assertThat(sig.err()).contains("--signal expects a signal");
        Run output = run("policy", "check", "--output", "xml", "env", "HOME");
        assertThat(output.err()).contains("--output expects text or json");
    }

    @Test
    void unknownPolicyNamesWhatExists() {
        Run r = run("policy", "check", "--policy", "nope", "env", "HOME");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("policy \"nope\" not found").contains("available:");
    }

    @Test
    void testCommandCountsAndFails(@TempDir Path dir) throws Exception {
        Path suite = dir.resolve("s.yaml");
        Files.writeString(suite, """
                policy: default
                vars: {HOME: /home/u, PROJECT_ROOT: /home/u/p, GIT_ROOT: /home/u/p}
                tests:
                  - name: shadow is denied
                    check: {file: /etc/shadow, op: open}
                    expect: {decision: deny}
                  - name: a wrong expectation
                    check: {file: /etc/shadow, op: open}
                    expect: {decision: allow}
                """);
        Run r = run("policy", "test", suite.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL " + suite + ":7:5 a wrong expectation").endsWith("1 passed, 1 failed\n");
    }

    @Test
    void showAndList() throws Exception {
        Run json = run("policy", "show", "default", "--output", "json");
        assertThat(new ObjectMapper().readTree(json.out()).get("name").asText()).isEqualTo("default");
        Run list = run("policy", "list");
        assertThat(list.out()).contains("agent-default", "signal-strict", "builtin:system-readonly");
    }
}
