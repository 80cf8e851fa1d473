package dev.agentsh.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Running commands: exit codes, timeouts, big output, one command at a time per session. */
@Timeout(60)
class ExecE2ETest {
    private static final int MIB = 1 << 20;

    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api api;
    static CliRun cli;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start(dir);
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

    private static String session() {
        return api.createSession(server.workspace(), "e2e");
    }

    @Test
    void theCliExitsWithTheCommandsExitCode() {
        String session = session();
        CliRun.Running ok = cli.start("exec", session, "--", "true");
        CliRun.Running three = cli.start("exec", session, "--", "sh", "-c", "exit 3");
        CliRun.Running missing = cli.start("exec", session, "--", "no-such-program-e2e");

        CliRun.Result r = ok.await();
        assertThat(r.exit()).as(r.toString()).isZero();
        r = three.await();
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        r = missing.await();
        assertThat(r.exit()).as(r.toString()).isEqualTo(127);
        assertThat(r.err()).contains("no such file or directory: no-such-program-e2e");
    }

    @Test
    void aTimeoutKillsTheWholeProcessGroup() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("timeout-ws"));
        String session = api.createSession(workspace, "e2e");
        long started = System.nanoTime();

        CliRun.Result r = cli.run("exec", "--timeout", "1s", session, "--", "sh", "-c", "(sleep 2; touch F) & sleep 30");

        assertThat(r.exit()).as(r.toString()).isEqualTo(124);
        assertThat(r.err()).contains("command timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the 30 s sleep was cut short").isLessThan(Duration.ofSeconds(15));
        // The background job would have created F two seconds after the start; it must have died with the group.
        Thread.sleep(3000);
        assertThat(workspace.resolve("F")).doesNotExist();
    }

    @Test
    void bigOutputIsCutAtOneMebibyteAndThePagesComeFromTheStore() throws Exception {
        String session = session();
        String expected = "0123456789abcdef\n".repeat(3 * MIB / 17 + 1).substring(0, 3 * MIB);

        Api.Reply reply = api.exec(session, "sh", "-c", "yes 0123456789abcdef | head -c " + 3 * MIB);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode result = reply.json().path("result");
        assertThat(result.path("exit_code").asInt()).isZero();
        assertThat(result.path("stdout").asText()).hasSize(MIB).isEqualTo(expected.substring(0, MIB));
        assertThat(result.path("stdout_truncated").asBoolean()).isTrue();
        assertThat(result.path("stdout_total_bytes").asLong()).isEqualTo(3L * MIB);
        String next = result.path("pagination").path("next_command").asText();
        String command = reply.json().path("command_id").asText();
        assertThat(next).isEqualTo("agentsh output " + session + " " + command + " --stream stdout --offset " + MIB + " --limit " + MIB);

        // Pages beyond the first mebibyte, straight from the API.
        String output = "/api/v1/sessions/" + session + "/output/" + command;
        JsonNode page = api.get(output + "?offset=" + MIB + "&limit=65536").json();
        assertThat(page.path("total_bytes").asLong()).isEqualTo(3L * MIB);
        assertThat(page.path("data").asText()).isEqualTo(expected.substring(MIB, MIB + 65536));
        assertThat(page.path("has_more").asBoolean()).isTrue();
        JsonNode last = api.get(output + "?offset=" + (3 * MIB - 100) + "&limit=65536").json();
        assertThat(last.path("data").asText()).isEqualTo(expected.substring(3 * MIB - 100));
        assertThat(last.path("has_more").asBoolean()).isFalse();

        // The next_command the response suggests works as given.
        List<String> words = Arrays.asList(next.split(" "));
        assertThat(words.getFirst()).isEqualTo("agentsh");
        CliRun.Result second = cli.run(words.subList(1, words.size()).toArray(String[]::new));
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).isEqualTo(expected.substring(MIB, 2 * MIB));
        assertThat(second.err()).contains("-- more -- offset=" + 2 * MIB + " total=" + 3 * MIB);
    }

    @Test
    void theTimeoutNoticeSurvivesTheCutOfABigStderr() {
        String session = session();

        Api.Reply reply = api.post("/api/v1/sessions/" + session + "/exec", Map.of("command", "sh",
                "args", List.of("-c", "yes e | head -c " + 2 * MIB + " >&2; sleep 30"), "timeout", "1s"));

        JsonNode result = reply.json().path("result");
        assertThat(result.path("exit_code").asInt()).as(reply.toString()).isEqualTo(124);
        String stderr = result.path("stderr").asText();
        assertThat(stderr).hasSize(MIB + "command timed out\n".length()).endsWith("e\ncommand timed out\n");
        assertThat(result.path("stderr_total_bytes").asLong()).isEqualTo(2L * MIB + "command timed out\n".length());
        assertThat(result.path("pagination").path("next_command").asText()).contains("--stream stderr --offset " + MIB);
    }

    @Test
    void commandsOfOneSessionRunOneAtATime() {
        String session = session();
        long started = System.nanoTime();

        List<Api.Reply> replies = concurrently(() -> api.exec(session, "sleep", "1"), () -> api.exec(session, "sleep", "1"));

        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        List<Api.Reply> inOrder = replies.stream().sorted(Comparator.comparing(r -> eventTime(r, "command_started"))).toList();
        assertThat(eventTime(inOrder.get(1), "command_started")).as("the second starts after the first finished")
                .isAfterOrEqualTo(eventTime(inOrder.get(0), "command_finished"));
    }

    @Test
    void commandsOfDifferentSessionsOverlap() {
        String one = session();
        String two = session();

        List<Api.Reply> replies = concurrently(() -> api.exec(one, "sleep", "1"), () -> api.exec(two, "sleep", "1"));

        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
        // Each started before the other finished: they ran at the same time (the wall clock would be a flaky witness).
        assertThat(eventTime(replies.get(0), "command_started")).isBefore(eventTime(replies.get(1), "command_finished"));
        assertThat(eventTime(replies.get(1), "command_started")).isBefore(eventTime(replies.get(0), "command_finished"));
    }

    /** When the response's event of this type was recorded. */
    private static Instant eventTime(Api.Reply reply, String type) {
        for (JsonNode event : reply.json().path("events").path("other")) {
            if (event.path("type").asText().equals(type)) {
                return Instant.parse(event.path("timestamp").asText());
            }
        }
        throw new AssertionError("no " + type + " event in " + reply);
    }

    /** Runs the calls at the same time, each on its own thread (the common pool may have just one). */
    @SafeVarargs
    private static <T> List<T> concurrently(Supplier<T>... calls) {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<T>> futures = Arrays.stream(calls).map(c -> CompletableFuture.supplyAsync(c, threads)).toList();
            return futures.stream().map(CompletableFuture::join).toList();
        }
    }
}
