package dev.agentsh.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Approvals over the API with API-key auth: an agent's exec waits while an approver answers. */
@Timeout(60)
class ApprovalsE2ETest {
    private static final String AGENT_KEY = "agent-key-e2e-0123456789";
    private static final String APPROVER_KEY = "approver-key-e2e-9876543210";

    @TempDir
    static Path dir;
    static ServerProcess server;
    static CliRun agent;
    static CliRun approver;
    static Api agentApi;

    @BeforeAll
    static void start() throws Exception {
        Path keys = dir.resolve("api-keys.yaml");
        Files.writeString(keys, """
                - {id: agent, key: %s, description: the agent, role: agent}
                - {id: approver, key: %s, description: a human, role: approver}
                """.formatted(AGENT_KEY, APPROVER_KEY));
        server = ServerProcess.start(dir, """
                auth:
                  type: api_key
                  api_key:
                    keys_file: "%s"
                approvals:
                  enabled: true
                  mode: api
                  timeout: 2s
                """.formatted(keys), Map.of());
        server.writePolicy("approvals", TestPolicies.APPROVALS);
        agent = CliRun.against(server).env("AGENTSH_API_KEY", AGENT_KEY);
        approver = CliRun.against(server).env("AGENTSH_API_KEY", APPROVER_KEY);
        agentApi = new Api(server).withKey(AGENT_KEY);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anApprovedCommandRuns() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("approved-ws"));
        String session = agentApi.createSession(workspace, "approvals");

        JsonNode pending;
        CliRun.Result resolve;
        CliRun.Result r;
        try (CliRun.Running exec = agent.start("exec", session, "--", "touch", "approved.txt")) {
            pending = awaitApproval(session, exec);
            resolve = approver.run("approve", "resolve", pending.path("id").asText(), "--allow");
            r = exec.await();
        }

        assertThat(pending.path("kind").asText()).isEqualTo("command");
        assertThat(pending.path("target").asText()).isEqualTo("touch approved.txt");
        assertThat(pending.path("rule").asText()).isEqualTo("approve-touch");
        assertThat(resolve.exit()).as(resolve.toString()).isZero();
        assertThat(resolve.out()).isEqualTo("ok\n");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(workspace.resolve("approved.txt")).exists();
    }

    @Test
    void aDeniedCommandExits126WithApprovalDenied() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("denied-ws"));
        String session = agentApi.createSession(workspace, "approvals");

        CliRun.Result resolve;
        CliRun.Result r;
        try (CliRun.Running exec = agent.start("exec", "--output", "json", session, "--", "touch", "denied.txt")) {
            JsonNode pending = awaitApproval(session, exec);
            resolve = approver.run("approve", "resolve", pending.path("id").asText(), "--deny", "--reason", "not today");
            r = exec.await();
        }

        assertThat(resolve.exit()).as(resolve.toString()).isZero();
        assertThat(r.exit()).as(r.toString()).isEqualTo(126);
        assertThat(r.json().path("result").path("error").path("code").asText()).isEqualTo("E_APPROVAL_DENIED");
        assertThat(workspace.resolve("denied.txt")).doesNotExist();
    }

    @Test
    void anUnansweredCommandTimesOutAsDenied() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("timeout-ws"));
        String session = agentApi.createSession(workspace, "approvals");
        long started = System.nanoTime();

        CliRun.Result r = agent.run("exec", "--output", "json", session, "--", "mkdir", "never");

        assertThat(r.exit()).as(r.toString()).isEqualTo(126);
        assertThat(r.json().path("result").path("error").path("code").asText()).isEqualTo("E_APPROVAL_TIMEOUT");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("approvals.timeout is 2s").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(workspace.resolve("never")).doesNotExist();
    }

    @Test
    void theApprovalsApiIsForApproversOnly() {
        Api anonymous = new Api(server);

        assertThat(anonymous.get("/health").status()).isEqualTo(200);
        assertThat(anonymous.get("/api/v1/approvals").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/sessions").status()).isEqualTo(401);
        assertThat(agentApi.get("/api/v1/approvals").status()).isEqualTo(403);
        assertThat(agentApi.post("/api/v1/approvals/approval-x", Map.of("decision", "allow")).status()).isEqualTo(403);
        assertThat(new Api(server).withKey(APPROVER_KEY).get("/api/v1/approvals").status()).isEqualTo(200);
        CliRun.Result agentList = agent.run("approve", "list");
        assertThat(agentList.exit()).as(agentList.toString()).isEqualTo(1);
        assertThat(agentList.err()).contains("403").doesNotContain("\tat ");
    }

    /** Polls {@code agentsh approve list} (as the approver) until the session's request shows up. */
    private static JsonNode awaitApproval(String session, CliRun.Running exec) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        CliRun.Result list = null;
        while (System.nanoTime() < deadline) {
            if (!exec.process().isAlive()) {
                throw new AssertionError("exec ended before anyone answered: " + exec.await());
            }
            list = approver.run("approve", "list");
            assertThat(list.exit()).as(list.toString()).isZero();
            for (JsonNode a : list.json()) {
                if (a.path("session_id").asText().equals(session)) {
                    return a;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no approval request for session " + session + "; last list: " + list);
    }
}
