package dev.agentsh.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail of a few commands, through the CLI, the search API and the JSONL file. */
@Timeout(60)
class EventsE2ETest {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api api;
    static String session;
    /** The commands run in {@link #start}, in order, and their exit codes. */
    static final List<String> commands = new ArrayList<>();
    static final Map<String, Integer> exitCodes = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start(dir);
        server.writePolicy("e2e", TestPolicies.E2E);
        api = new Api(server);
        session = api.createSession(server.workspace(), "e2e");
        for (String script : List.of("echo one", "echo two", "exit 3")) {
            Api.Reply reply = api.exec(session, "sh", "-c", script);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            String id = reply.json().path("command_id").asText();
            commands.add(id);
            exitCodes.put(id, reply.json().path("result").path("exit_code").asInt());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eventsQueryFindsASessionsEventsByType() {
        CliRun.Result r = CliRun.against(server).run("events", "query", "--session", session, "--type", "command_started");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode events = r.json();
        assertThat(events.isArray()).as(r.out()).isTrue();
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("type").asText()).isEqualTo("command_started");
            assertThat(e.path("session_id").asText()).isEqualTo(session);
        });
        assertThat(commandIds(events)).containsExactlyInAnyOrderElementsOf(commands);
    }

    @Test
    void searchFindsEveryCommandFinishedWithItsExitCode() {
        Api.Reply r = api.get("/api/v1/events/search?type=command_finished&limit=5000");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(commandIds(r.json())).containsExactlyInAnyOrderElementsOf(commands);
        for (JsonNode e : r.json()) {
            assertThat(e.path("fields").path("exit_code").asInt()).isEqualTo(exitCodes.get(e.path("command_id").asText()));
        }
    }

    @Test
    void aCommandsEventsComeInOrder() {
        String command = commands.getFirst();
        Api.Reply r = api.get("/api/v1/sessions/" + session + "/history?command_id=" + command + "&order=asc");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(StreamSupport.stream(r.json().spliterator(), false).map(e -> e.path("type").asText()).toList())
                .containsExactly("command_policy", "command_started", "command_finished");
    }

    @Test
    void theJsonlAuditFileHasOneLinePerStoredEvent() throws Exception {
        List<String> lines = Files.readAllLines(server.dataDir().resolve("audit.jsonl"));
        Api.Reply stored = api.get("/api/v1/events/search?limit=5000");

        Set<String> lineIds = new HashSet<>();
        for (String line : lines) {
            JsonNode event = Api.JSON.readTree(line);
            assertThat(event.isObject()).as(line).isTrue();
            assertThat(event.path("type").asText()).as(line).isNotEmpty();
            assertThat(lineIds.add(event.path("id").asText())).as("one line per event: " + line).isTrue();
        }
        Set<String> storedIds = new HashSet<>();
        stored.json().forEach(e -> storedIds.add(e.path("id").asText()));
        assertThat(lineIds).isEqualTo(storedIds);
        // session_created plus, per command, command_policy, command_started and command_finished.
        assertThat(lines).hasSize(1 + 3 * commands.size());
    }

    static List<String> commandIds(JsonNode events) {
        return StreamSupport.stream(events.spliterator(), false).map(e -> e.path("command_id").asText()).toList();
    }
}
