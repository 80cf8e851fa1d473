package dev.agentsh.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the policy does to a command: deny (also inside sh -c), redirect, and the child's environment. */
@Timeout(60)
class PolicyE2ETest {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api api;
    static CliRun cli;

    @BeforeAll
    static void start() throws Exception {
        // Secrets in the server's own environment must never reach a command.
        server = ServerProcess.start(dir, "", Map.of("AWS_SECRET_ACCESS_KEY", "s3cr3t", "GITHUB_TOKEN", "ghp_e2eServerToken"));
        server.writePolicy("e2e", TestPolicies.E2E);
        api = new Api(server);
        cli = CliRun.against(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aDeniedCommandIsAnsweredWith403AndAFullExecResponse() {
        String session = api.createSession(server.workspace(), null); // the built-in default policy

        Api.Reply reply = api.exec(session, "rm", "-rf", "/");

        assertThat(reply.status()).as(reply.toString()).isEqualTo(403);
        JsonNode response = reply.json();
        assertThat(response.path("command_id").asText()).startsWith("cmd-");
        assertThat(response.path("session_id").asText()).isEqualTo(session);
        assertThat(response.path("request").path("command").asText()).isEqualTo("rm");
        JsonNode result = response.path("result");
        assertThat(result.path("exit_code").asInt()).isEqualTo(126);
        assertThat(result.path("error").path("code").asText()).isEqualTo("E_POLICY_DENIED");
        assertThat(result.path("error").path("policy_rule").asText()).isEqualTo("block-dangerous-rm");
        JsonNode blocked = response.path("events").path("blocked_operations");
        assertThat(blocked).hasSize(1);
        assertThat(blocked.get(0).path("type").asText()).isEqualTo("command_policy");
        assertThat(blocked.get(0).path("policy").path("effective_decision").asText()).isEqualTo("deny");
        assertThat(blocked.get(0).path("policy").path("rule").asText()).isEqualTo("block-dangerous-rm");
        assertThat(response.path("guidance").path("blocked").asBoolean()).isTrue();
        assertThat(response.path("guidance").path("status").asText()).isEqualTo("blocked");
    }

    @Test
    void theCliExits126AndNamesTheRule() {
        String session = api.createSession(server.workspace(), null);

        CliRun.Result r = cli.run("exec", session, "--", "rm", "-rf", "/");

        assertThat(r.exit()).as(r.toString()).isEqualTo(126);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).containsPattern("(?m)^agentsh: .+ \\(rule=block-dangerous-rm\\)$");
    }

    @Test
    void aDenialInsideShCDeniesTheWholeScript() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("nested-ws"));
        String session = api.createSession(workspace, null);

        CliRun.Result r = cli.run("exec", session, "--", "sh", "-c", "rm -rf /tmp/x; :");
        CliRun.Result marked = cli.run("exec", session, "--", "sh", "-c", "touch ran; rm -rf /tmp/x; :");

        assertThat(r.exit()).as(r.toString()).isEqualTo(126);
        assertThat(r.err()).contains("(rule=block-dangerous-rm)");
        assertThat(marked.exit()).as(marked.toString()).isEqualTo(126);
        assertThat(workspace.resolve("ran")).as("nothing of the script ran").doesNotExist();
    }

    @Test
    void aRedirectedCommandRunsTheSubstitute() {
        String session = api.createSession(server.workspace(), "e2e");

        Api.Reply reply = api.exec(session, "curl", "http://example.invalid/x");
        CliRun.Result r = cli.run("exec", session, "--", "curl", "http://example.invalid/y");

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode response = reply.json();
        assertThat(response.path("result").path("exit_code").asInt()).isZero();
        assertThat(response.path("result").path("stdout").asText()).isEqualTo("redirected-curl: http://example.invalid/x\n");
        assertThat(response.path("request").path("command").asText()).as("the request as executed").isEqualTo("echo");
        JsonNode substitution = response.path("guidance").path("substitutions").path(0);
        assertThat(substitution.path("action").asText()).isEqualTo("redirected");
        assertThat(substitution.path("command").asText()).isEqualTo("echo redirected-curl: http://example.invalid/x");
        assertThat(response.path("events").path("other")).anySatisfy(e -> {
            assertThat(e.path("type").asText()).isEqualTo("command_redirected");
            assertThat(e.path("fields").path("from_command").asText()).isEqualTo("curl");
            assertThat(e.path("fields").path("to_command").asText()).isEqualTo("echo");
        });
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("redirected-curl: http://example.invalid/y\n");
    }

    @Test
    void theChildEnvironmentIsMinimalAndFiltered() {
        String session = api.createSession(server.workspace(), "e2e");

        // /usr/bin/env by path: plain "env" is the builtin that prints the session's variables.
        CliRun.Result r = cli.run("exec", session, "--", "/usr/bin/env");
        // A secret the agent passes itself is filtered too.
        CliRun.Result passed = cli.run("exec", session, "--json",
                "{\"command\":\"/usr/bin/env\",\"env\":{\"GITHUB_TOKEN\":\"ghp_fromAgent\",\"E2E_PLAIN\":\"kept\"}}");

        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).contains("AGENTSH_IN_SESSION=1", "E2E_INJECTED=from-policy");
        assertThat(lines).noneMatch(l -> l.startsWith("AWS_SECRET_ACCESS_KEY=") || l.startsWith("GITHUB_TOKEN="));
        assertThat(r.out()).doesNotContain("s3cr3t", "ghp_e2eServerToken");
        assertThat(passed.exit()).as(passed.toString()).isZero();
        assertThat(passed.out().lines().toList()).contains("E2E_PLAIN=kept").noneMatch(l -> l.startsWith("GITHUB_TOKEN="));
    }
}
