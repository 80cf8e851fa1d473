package dev.agentsh.server.events;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The audit event log: every recorded event goes to the JSONL audit file and the SQLite store (each
 * optional), then to live subscribers.
 *
 * <p>{@link #record} is the acknowledgement point: when it returns, the events are in the kernel's copy
 * of the JSONL file and committed to SQLite, so they survive the server process being killed. Concurrent
 * callers are group-committed by one writer thread. The JSONL line is written before the SQLite
 * transaction, so after a failure or crash the JSONL file may hold events whose {@code record} call did
 * not return (the audit trail errs towards completeness), never the reverse.
 */
public final class EventLog implements AutoCloseable {

    private final SqliteEventStore store; // null when storage is disabled
    private final JsonlAuditLog jsonl;    // null when no audit file is configured
    private final EventBus bus = new EventBus();
    private final GroupCommitter committer;

    private EventLog(SqliteEventStore store, JsonlAuditLog jsonl) {
        this.store = store;
        this.jsonl = jsonl;
        this.committer = new GroupCommitter("event-log-writer", this::write);
    }

    /**
     * Opens the log, creating files and parent directories as needed.
     *
     * @param sqlitePath event database, or null if storage is disabled ({@code audit.storage.enabled: false})
     * @param jsonlPath  JSONL audit file, or null for none
     * @throws IOException if a file cannot be opened, or the JSONL file is locked by another server
     */
    public static EventLog open(Path sqlitePath, Path jsonlPath) throws IOException {
        JsonlAuditLog jsonl = jsonlPath == null ? null : JsonlAuditLog.open(jsonlPath);
        try {
            SqliteEventStore store = sqlitePath == null ? null : SqliteEventStore.open(sqlitePath);
            return new EventLog(store, jsonl);
        } catch (IOException | RuntimeException e) {
            if (jsonl != null) {
                jsonl.close();
            }
            throw e;
        }
    }

    /** See {@link #record(List)}. */
    public void record(Event... events) {
        record(List.of(events));
    }

    /**
     * Stores the events and returns only once they are durable (see the class comment); then notifies
     * subscribers. Events without an id or timestamp get a fresh id or the current time.
     *
     * @throws IllegalArgumentException if an event is malformed (no type, bad timestamp, unencodable
     *                                  fields); nothing of this call is stored then
     * @throws EventLogException        if the events could not be stored, or the log is closed
     */
    public void record(List<Event> events) {
        List<EncodedEvent> encoded = events.stream().map(EncodedEvent::of).toList();
        if (!encoded.isEmpty()) {
            committer.submit(encoded);
        }
    }

    /**
     * Events matching {@code query}, decoded from their stored JSON. Sees every event whose
     * {@link #record} call has returned.
     *
     * @throws IllegalStateException if storage is disabled
     * @throws EventLogException     if the database cannot be read
     */
    public List<Event> query(EventQuery query) {
        return storage().query(query);
    }

    /**
     * Stores (or replaces) a command's captured output.
     *
     * @throws IllegalStateException if storage is disabled
     * @throws EventLogException     if it could not be stored
     */
    public void saveOutput(CommandOutput output) {
        storage().saveOutput(output);
    }

    /**
     * The stored output of a command, if any.
     *
     * @throws IllegalStateException if storage is disabled
     * @throws EventLogException     if the database cannot be read
     */
    public Optional<CommandOutput> output(String commandId) {
        return storage().output(commandId);
    }

    /**
     * Delivers events recorded from now on (no replay) to {@code listener} on a dedicated virtual thread.
     * The subscriber's buffer holds {@value EventBus#BUFFER_SIZE} events; beyond that, events are dropped
     * for this subscriber and counted in {@link Subscription#dropped()}. A listener that throws is
     * unsubscribed.
     *
     * @param sessionId only this session's events, or null for all sessions
     */
    public Subscription subscribe(String sessionId, Consumer<Event> listener) {
        return bus.subscribe(sessionId, listener);
    }

    /** Writes everything already submitted, stops live delivery and closes the files. Idempotent. */
    @Override
    public void close() throws IOException {
        committer.close();
        bus.close();
        try (jsonl) {
            if (store != null) {
                store.close();
            }
        } catch (SQLException e) {
            throw new IOException("cannot close event database: " + e.getMessage(), e);
        }
    }

    private void write(List<EncodedEvent> batch) throws IOException, SQLException {
        if (jsonl != null) {
            jsonl.append(batch);
        }
        if (store != null) {
            store.insert(batch);
        }
        bus.publish(batch);
    }

    private SqliteEventStore storage() {
        if (store == null) {
            throw new IllegalStateException("event storage is disabled (audit.storage.enabled: false)");
        }
        return store;
    }
}
