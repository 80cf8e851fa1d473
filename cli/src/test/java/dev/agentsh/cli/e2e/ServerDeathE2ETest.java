package dev.agentsh.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A server killed with SIGKILL: what it acknowledged is still there, and a waiting CLI says what happened. */
@Timeout(90)
class ServerDeathE2ETest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedCommandIsFoundAfterKillDashNineAndRestart() throws Exception {
        try (ServerProcess server = ServerProcess.start(dir)) {
            server.writePolicy("e2e", TestPolicies.E2E);
            Api api = new Api(server);
            String session = api.createSession(server.workspace(), "e2e");
            List<String> acknowledged = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Api.Reply reply = api.exec(session, "true");
                assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
                acknowledged.add(reply.json().path("command_id").asText());
            }

            server.killHard();
            server.restart();

            CliRun.Result r = CliRun.against(server).run("events", "query", "--type", "command_finished", "--limit", "5000");
            assertThat(r.exit()).as(r.toString()).isZero();
            Set<String> found = new HashSet<>(EventsE2ETest.commandIds(r.json()));
            assertThat(found).containsAll(acknowledged);
            // The audit file survived whole as well: every line is one complete event.
            for (String line : Files.readAllLines(server.dataDir().resolve("audit.jsonl"))) {
                JsonNode event = Api.JSON.readTree(line);
                assertThat(event.path("type").asText()).as(line).isNotEmpty();
            }
        }
    }

    @Test
    void theCliSaysTheServerWentAwayWhenItDiesMidCommand() throws Exception {
        try (ServerProcess server = ServerProcess.start(dir)) {
            server.writePolicy("e2e", TestPolicies.E2E);
            Api api = new Api(server);
            String session = api.createSession(server.workspace(), "e2e");

            CliRun.Result r;
            try (CliRun.Running exec = CliRun.against(server).start("exec", session, "--", "sleep", "30")) {
                awaitBusy(api, session);
                Thread.sleep(1000);
                server.killHard();
                r = exec.await(Duration.ofSeconds(20));
            }

            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("server went away").doesNotContain("Exception", "\tat ");
        }
    }

    /** Waits until the session runs a command, so the kill lands mid-command and not before the request. */
    private static void awaitBusy(Api api, String session) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (api.get("/api/v1/sessions/" + session).json().path("state").asText().equals("busy")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("session " + session + " never became busy");
    }
}
