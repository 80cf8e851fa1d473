package dev.agentsh.server.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Kills a JVM that is busy recording events with SIGKILL and checks that every event it acknowledged
 * (printed after {@link EventLog#record} returned) is in both SQLite and the JSONL file.
 */
class CrashDurabilityTest {

    private static final int ACKS_BEFORE_KILL = 2000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a blocked pipe read ignores interrupts
    void everyAcknowledgedEventSurvivesKillMinus9() throws Exception {
        Path stderr = dir.resolve("child.stderr");
        Process child = new ProcessBuilder(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(),
                dir.toString())
                .redirectError(stderr.toFile())
                .start();
        Set<String> acknowledged = new HashSet<>();
        try (BufferedReader acks = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acknowledged.size() < ACKS_BEFORE_KILL && (line = acks.readLine()) != null) {
                acknowledged.add(ackedId(line));
            }
            if (acknowledged.size() < ACKS_BEFORE_KILL) {
                fail("child exited after %d acks: %s", acknowledged.size(), Files.readString(stderr));
            }
            // SIGKILL: no shutdown hooks, no close(), mid-batch. Through the handle, because
            // Process.destroyForcibly() also closes our end of the pipe, and the pipe still holds acks.
            child.toHandle().destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            while ((line = acks.readLine()) != null) {
                if (isCompleteAck(line)) { // the kill may have cut the last ack line short
                    acknowledged.add(line.split(" ")[2]);
                }
            }
        } finally {
            child.destroyForcibly();
        }

        assertThat(jsonlIdsAfterCrash(dir.resolve("audit.jsonl"))).containsAll(acknowledged);

        try (EventLog reopened = EventLog.open(dir.resolve("events.db"), dir.resolve("audit.jsonl"))) {
            assertThat(storedIds(reopened)).containsAll(acknowledged);
            reopened.record(Event.of("server_restarted", "crash-check"));
        }
        // Reopening cut any torn line, so the file is fully parseable again and appends stay separate.
        assertThat(Files.readAllLines(dir.resolve("audit.jsonl"))).allSatisfy(EventJson::fromJson);
    }

    /**
     * Every line must parse except possibly the last one without a trailing newline: the kill can land
     * while the writer thread is inside write(2) for a batch. That batch's record() never returned, so
     * none of its events were acknowledged and losing its torn tail is allowed.
     */
    private static Set<String> jsonlIdsAfterCrash(Path jsonl) throws Exception {
        String content = Files.readString(jsonl, StandardCharsets.UTF_8);
        List<String> lines = content.lines().toList();
        if (!content.isEmpty() && !content.endsWith("\n")) {
            lines = lines.subList(0, lines.size() - 1);
        }
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            ids.add(EventJson.fromJson(line).id());
        }
        return ids;
    }

    private static Set<String> storedIds(EventLog log) {
        Set<String> ids = new HashSet<>();
        EventQuery page = EventQuery.all().withAscending(true).withLimit(EventQuery.MAX_LIMIT);
        List<Event> events;
        do {
            events = log.query(page.withOffset(ids.size()));
            events.forEach(event -> ids.add(event.id()));
        } while (!events.isEmpty());
        return ids;
    }

    private static boolean isCompleteAck(String line) {
        String[] parts = line.split(" ");
        return parts.length == 3 && parts[0].equals("ack") && parts[2].length() == 36;
    }

    private static String ackedId(String line) {
        if (!isCompleteAck(line)) {
            throw new AssertionError("unexpected output from child: " + line);
        }
        return line.split(" ")[2];
    }
}
