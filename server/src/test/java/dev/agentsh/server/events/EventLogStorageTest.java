package dev.agentsh.server.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventLogStorageTest {

    @TempDir
    Path dir;

    @Test
    void savesAndLoadsCommandOutput() throws Exception {
        try (EventLog log = EventLog.open(dir.resolve("events.db"), null)) {
            CommandOutput output = new CommandOutput("cmd-1", "sess-1", "hello\n".getBytes(StandardCharsets.UTF_8),
                    new byte[]{0, (byte) 0xff}, 6, 2_000_000, false, true);

            log.saveOutput(output);

            assertThat(log.output("cmd-1")).contains(output);
            assertThat(log.output("cmd-unknown")).isEmpty();
        }
    }

    @Test
    void outputSurvivesReopenAndCanBeReplaced() throws Exception {
        Path db = dir.resolve("events.db");
        try (EventLog log = EventLog.open(db, null)) {
            log.saveOutput(new CommandOutput("cmd-1", "s", "first".getBytes(StandardCharsets.UTF_8), null, 5, 0, false, false));
        }
        CommandOutput replacement = new CommandOutput("cmd-1", "s", new byte[0], "err".getBytes(StandardCharsets.UTF_8), 0, 3, false, false);
        try (EventLog log = EventLog.open(db, null)) {
            assertThat(log.output("cmd-1").orElseThrow().stdout()).asString(StandardCharsets.UTF_8).isEqualTo("first");
            log.saveOutput(replacement);
            assertThat(log.output("cmd-1")).contains(replacement);
        }
    }

    @Test
    void disabledStorageRefusesQueriesAndOutputsButStillRecords() throws Exception {
        Path jsonl = dir.resolve("audit.jsonl");
        try (EventLog log = EventLog.open(null, jsonl)) {
            String message = "event storage is disabled (audit.storage.enabled: false)";
            assertThatThrownBy(() -> log.query(EventQuery.all())).isInstanceOf(IllegalStateException.class).hasMessage(message);
            assertThatThrownBy(() -> log.output("cmd-1")).isInstanceOf(IllegalStateException.class).hasMessage(message);
            assertThatThrownBy(() -> log.saveOutput(new CommandOutput("c", "s", null, null, 0, 0, false, false)))
                    .isInstanceOf(IllegalStateException.class).hasMessage(message);

            log.record(Event.of("session_created", "s"));
        }
        assertThat(Files.readAllLines(jsonl)).hasSize(1);
    }

    @Test
    void databaseUsesWriteAheadLogging() throws Exception {
        Path db = dir.resolve("events.db");
        EventLog.open(db, null).close();

        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
            mode.next();
            assertThat(mode.getString(1)).isEqualTo("wal");
        }
    }

    @Test
    void aDatabaseOfAnEarlierVersionGetsTheIndexesWithoutNulls() throws Exception {
        Path db = dir.resolve("events.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (event_id TEXT PRIMARY KEY, ts_unix_ns INTEGER NOT NULL, session_id TEXT NOT NULL,"
                    + " command_id TEXT, type TEXT NOT NULL, pid INTEGER, policy_decision TEXT, effective_decision TEXT,"
                    + " policy_rule TEXT, path TEXT, domain TEXT, remote TEXT, operation TEXT, payload_json TEXT NOT NULL)");
            s.execute("CREATE INDEX idx_events_path ON events(path)");
            s.execute("CREATE INDEX idx_events_domain ON events(domain)");
        }
        try (EventLog log = EventLog.open(db, null)) {
            log.record(Event.builder("file", "s").path("/etc/hosts").build(), Event.of("exec", "s"));
            assertThat(log.query(EventQuery.all().withPathLike("/etc/%"))).singleElement()
                    .satisfies(e -> assertThat(e.path()).isEqualTo("/etc/hosts"));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_events_%'"
                     + " AND (name LIKE '%path%' OR name LIKE '%domain%') ORDER BY name")) {
            List<String> indexes = new java.util.ArrayList<>();
            while (rows.next()) {
                indexes.add(rows.getString(1) + ": " + rows.getString(2));
            }
            assertThat(indexes).containsExactly(
                    "idx_events_domain_set: CREATE INDEX idx_events_domain_set ON events(domain) WHERE domain IS NOT NULL",
                    "idx_events_path_set: CREATE INDEX idx_events_path_set ON events(path) WHERE path IS NOT NULL");
        }
    }

    @Test
    void createsParentDirectories() throws Exception {
        try (EventLog log = EventLog.open(dir.resolve("a/b/events.db"), dir.resolve("c/d/audit.jsonl"))) {
            log.record(Event.of("session_created", "s"));
        }
        assertThat(dir.resolve("a/b/events.db")).exists();
        assertThat(dir.resolve("c/d/audit.jsonl")).exists();
    }

    @Test
    void malformedEventsAreRejectedBeforeAnythingIsStored() throws Exception {
        try (EventLog log = EventLog.open(dir.resolve("events.db"), dir.resolve("audit.jsonl"))) {
            Event fine = Event.of("file_open", "s");
            Event untyped = Event.builder("", "s").build();
            Event badTime = Event.builder("file_open", "s").timestamp("yesterday").build();

            assertThatThrownBy(() -> log.record(fine, untyped)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has no type");
            assertThatThrownBy(() -> log.record(badTime)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad timestamp");
            assertThat(log.query(EventQuery.all())).isEmpty();
        }
        assertThat(Files.readAllLines(dir.resolve("audit.jsonl"))).isEmpty();
    }

    @Test
    void missingIdAndTimestampAreFilledIn() throws Exception {
        try (EventLog log = EventLog.open(dir.resolve("events.db"), null)) {
            log.record(Event.builder("file_open", "s").id(null).timestamp("").build());

            Event stored = log.query(EventQuery.all()).getFirst();
            assertThat(stored.id()).isNotBlank();
            assertThat(stored.timestamp()).isNotBlank();
        }
    }

    @Test
    void recordingAfterCloseFails() throws Exception {
        EventLog log = EventLog.open(dir.resolve("events.db"), dir.resolve("audit.jsonl"));
        log.close();
        log.close(); // idempotent

        assertThatThrownBy(() -> log.record(Event.of("file_open", "s")))
                .isInstanceOf(EventLogException.class)
                .hasMessage("event log is closed");
    }

    @Test
    void recordingNothingIsANoOp() throws Exception {
        try (EventLog log = EventLog.open(dir.resolve("events.db"), null)) {
            log.record(List.of());
            assertThat(log.query(EventQuery.all())).isEmpty();
        }
    }
}
