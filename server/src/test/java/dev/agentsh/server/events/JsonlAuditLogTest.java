package dev.agentsh.server.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonlAuditLogTest {

    @TempDir
    Path dir;

    @Test
    void writesOneLinePerEventInOrder() throws Exception {
        Path jsonl = dir.resolve("audit.jsonl");
        Event first = Event.builder("command_started", "s").field("command", "printf 'a\\nb'").build();
        Event second = Event.of("file_open", "s");
        Event third = Event.of("command_finished", "s");

        try (EventLog log = EventLog.open(null, jsonl)) {
            log.record(first, second);
            log.record(third);
        }

        assertThat(Files.readAllLines(jsonl)).map(EventJson::fromJson).containsExactly(first, second, third);
        assertThat(Files.readString(jsonl)).endsWith("\n");
    }

    @Test
    void appendsAcrossReopen() throws Exception {
        Path jsonl = dir.resolve("audit.jsonl");
        Event before = Event.of("session_created", "s");
        Event after = Event.of("session_destroyed", "s");

        try (EventLog log = EventLog.open(null, jsonl)) {
            log.record(before);
        }
        try (EventLog log = EventLog.open(null, jsonl)) {
            log.record(after);
        }

        assertThat(Files.readAllLines(jsonl)).map(EventJson::fromJson).containsExactly(before, after);
    }

    @Test
    void secondServerCannotOpenTheSameLog() throws Exception {
        Path jsonl = dir.resolve("audit.jsonl");
        try (EventLog first = EventLog.open(dir.resolve("one.db"), jsonl)) {
            assertThatThrownBy(() -> EventLog.open(dir.resolve("two.db"), jsonl))
                    .isInstanceOf(IOException.class)
                    .hasMessage("audit log " + jsonl.toAbsolutePath() + " is in use by another agentsh server (lock "
                            + jsonl.toAbsolutePath() + ".lock)");
            first.record(Event.of("file_open", "s")); // the holder is unaffected by the failed attempt
        }
        try (EventLog again = EventLog.open(null, jsonl)) {
            again.record(Event.of("file_open", "s"));
        }
        assertThat(Files.readAllLines(jsonl)).hasSize(2);
    }

    @Test
    void aPartialLastLineLeftByACrashIsDroppedOnOpen() throws Exception {
        Path jsonl = dir.resolve("audit.jsonl");
        Event complete = Event.of("file_open", "s");
        Files.writeString(jsonl, EventJson.toJson(complete) + "\n{\"id\":\"torn", StandardCharsets.UTF_8);
        Event next = Event.of("file_write", "s");

        try (EventLog log = EventLog.open(null, jsonl)) {
            log.record(next);
        }

        assertThat(Files.readAllLines(jsonl)).map(EventJson::fromJson).containsExactly(complete, next);
    }

    @Test
    void aFileWithoutAnyCompleteLineStartsOver() throws Exception {
        Path jsonl = dir.resolve("audit.jsonl");
        Files.writeString(jsonl, "x".repeat(20_000), StandardOpenOption.CREATE); // longer than one scan chunk
        Event event = Event.of("file_open", "s");

        try (EventLog log = EventLog.open(null, jsonl)) {
            log.record(event);
        }

        assertThat(Files.readAllLines(jsonl)).map(EventJson::fromJson).containsExactly(event);
    }

    @Test
    void findsTheLastNewlineFarBeforeTheEnd() throws Exception {
        Path jsonl = dir.resolve("audit.jsonl");
        Event complete = Event.of("file_open", "s");
        Files.writeString(jsonl, EventJson.toJson(complete) + "\n" + "y".repeat(20_000));

        try (EventLog ignored = EventLog.open(null, jsonl)) {
            assertThat(Files.readAllLines(jsonl)).containsExactly(EventJson.toJson(complete));
        }
    }

    @Test
    void aRejectedServerDoesNotCreateItsDatabase() throws Exception {
        Path jsonl = dir.resolve("audit.jsonl");
        try (EventLog ignored = EventLog.open(null, jsonl)) {
            assertThatThrownBy(() -> EventLog.open(dir.resolve("events.db"), jsonl)).isInstanceOf(IOException.class);
        }
        // the JSONL lock is taken first, so a losing server touches nothing else
        assertThat(dir.resolve("events.db")).doesNotExist();
    }
}
