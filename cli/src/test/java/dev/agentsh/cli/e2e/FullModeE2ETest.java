package dev.agentsh.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server with execve interception on: programs a command starts are judged too, not only the command string. */
class FullModeE2ETest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static ServerProcess server;
    private static CliRun cli;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start(dir, """
                sandbox:
                  seccomp:
                    enabled: true
                    execve:
                      enabled: true
                """, Map.of());
        server.writePolicy("nested", """
                version: 1
                name: nested
                command_rules:
                  - name: od-only-direct
                    commands: [od]
                    context: [nested]
                    decision: deny
                    message: "od may only be the command itself"
                  - name: allow-the-rest
                    decision: allow
                """);
        cli = CliRun.against(server);
        api = new Api(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aProgramTheCommandStartsIsJudgedAndTheAgentIsToldWhy() throws Exception {
        String session = api.createSession(server.workspace(), "nested");

        CliRun.Result direct = cli.run("exec", session, "--", "od", "-c", "/dev/null");
        // A script file: the pre-check sees only "sh run.sh"; what the script runs is seen only at its execve.
        Files.writeString(server.workspace().resolve("run.sh"), "od -c /dev/null; echo rc=$?\n");
        CliRun.Result nested = cli.run("exec", session, "--output", "json", "--events", "all", "--", "sh", "run.sh");

        assertThat(direct.exit()).as(direct.toString()).isZero();
        JsonNode response = JSON.readTree(nested.out());
        assertThat(response.path("result").path("stdout").asText()).isEqualTo("rc=126\n");
        assertThat(response.path("result").path("stderr").asText()).contains("Permission denied");
        JsonNode blocked = response.path("events").path("blocked_operations");
        // dash goes on searching PATH after EACCES, so /bin/od is tried (and refused) after /usr/bin/od.
        assertThat(blocked).isNotEmpty();
        assertThat(blocked.get(0).path("type").asText()).isEqualTo("execve");
        assertThat(blocked.get(0).path("filename").asText()).isEqualTo("/usr/bin/od");
        assertThat(blocked.get(0).path("depth").asInt()).isEqualTo(1);
        assertThat(blocked.get(0).path("policy").path("rule").asText()).isEqualTo("od-only-direct");
        assertThat(response.path("guidance").path("blocked").asBoolean()).isTrue();
    }

    @Test
    void aScriptThePreCheckCannotReadIsLeftToInterception() throws Exception {
        String session = api.createSession(server.workspace(), "nested");
        // A loop makes the script opaque to the pre-check; with a deny rule in the policy, only interception
        // lets it run, and then judges the od inside it.
        CliRun.Result r = cli.run("exec", session, "--output", "json", "--", "sh", "-c",
                "for i in 1; do od -c /dev/null; done; echo rc=$?");
        JsonNode response = JSON.readTree(r.out());
        assertThat(response.path("result").path("error").path("policy_rule").asText())
                .as("not refused at the pre-check").isNotEqualTo("shellc-opaque-script");
        assertThat(response.path("result").path("stdout").asText()).as(r.out()).isEqualTo("rc=126\n");
    }
}
