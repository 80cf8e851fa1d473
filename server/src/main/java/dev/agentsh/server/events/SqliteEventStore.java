package dev.agentsh.server.events;

import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queryable event store: the {@code events} and {@code command_outputs} tables of the upstream schema.
 *
 * <p>Durability: WAL journal with {@code synchronous=NORMAL}. A commit appends the transaction to the WAL
 * file with write(2) before returning, so a committed transaction survives the process being killed
 * (kill -9); the WAL is only fsynced at checkpoints, so a power loss or kernel crash may lose the newest
 * commits. Surviving power loss would need {@code synchronous=FULL} and is out of scope.
 *
 * <p>Writes go through one long-lived connection (SQLite allows one writer anyway). Each read opens its own
 * short-lived read-only connection: with WAL, readers never block the writer or each other, and opening a
 * connection is cheap next to the queries' own cost.
 */
final class SqliteEventStore implements AutoCloseable {

    private static final int BUSY_TIMEOUT_MS = 5_000;

    private static final List<String> SCHEMA = List.of("""
            CREATE TABLE IF NOT EXISTS events (
              event_id           TEXT PRIMARY KEY,
              ts_unix_ns         INTEGER NOT NULL,
              session_id         TEXT NOT NULL,
              command_id         TEXT,
              type               TEXT NOT NULL,
              pid                INTEGER,
              policy_decision    TEXT,
              effective_decision TEXT,
              policy_rule        TEXT,
              path               TEXT,
              domain             TEXT,
              remote             TEXT,
              operation          TEXT,
              payload_json       TEXT NOT NULL
            )""",
            "CREATE INDEX IF NOT EXISTS idx_events_session_ts ON events(session_id, ts_unix_ns)",
            "CREATE INDEX IF NOT EXISTS idx_events_command_ts ON events(command_id, ts_unix_ns)",
            "CREATE INDEX IF NOT EXISTS idx_events_type_ts ON events(type, ts_unix_ns)",
            // Most events have neither a path nor a domain; indexes without the NULLs cost inserts nothing for them
            // (the full ones of earlier versions are replaced).
            "DROP INDEX IF EXISTS idx_events_path",
            "DROP INDEX IF EXISTS idx_events_domain",
            "CREATE INDEX IF NOT EXISTS idx_events_path_set ON events(path) WHERE path IS NOT NULL",
            "CREATE INDEX IF NOT EXISTS idx_events_domain_set ON events(domain) WHERE domain IS NOT NULL",
            """
            CREATE TABLE IF NOT EXISTS command_outputs (
              command_id         TEXT PRIMARY KEY,
              session_id         TEXT NOT NULL,
              stdout             BLOB,
              stderr             BLOB,
              stdout_total_bytes INTEGER NOT NULL,
              stderr_total_bytes INTEGER NOT NULL,
              stdout_truncated   INTEGER NOT NULL,
              stderr_truncated   INTEGER NOT NULL,
              created_ts_unix_ns INTEGER NOT NULL
            )""");

    // OR IGNORE: recording the same event id twice is idempotent instead of failing the whole batch,
    // which would also fail every other caller group-committed with it.
    private static final String INSERT_EVENT = """
            INSERT OR IGNORE INTO events (event_id, ts_unix_ns, session_id, command_id, type, pid,
              policy_decision, effective_decision, policy_rule, path, domain, remote, operation, payload_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private static final String UPSERT_OUTPUT = """
            INSERT OR REPLACE INTO command_outputs (command_id, session_id, stdout, stderr, stdout_total_bytes,
              stderr_total_bytes, stdout_truncated, stderr_truncated, created_ts_unix_ns)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private static final String SELECT_OUTPUT = """
            SELECT session_id, stdout, stderr, stdout_total_bytes, stderr_total_bytes, stdout_truncated,
              stderr_truncated
            FROM command_outputs WHERE command_id = ?""";

    private final String url;
    private final Connection writer;
    private final ReentrantLock writeLock = new ReentrantLock();

    private SqliteEventStore(String url, Connection writer) {
        this.url = url;
        this.writer = writer;
    }

    /** Opens or creates the database (and its parent directories) and ensures the schema. */
    static SqliteEventStore open(Path file) throws IOException {
        file = file.toAbsolutePath();
        Files.createDirectories(file.getParent());
        String url = "jdbc:sqlite:" + file;
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        try {
            Connection writer = config.createConnection(url);
            try (Statement statement = writer.createStatement()) {
                for (String ddl : SCHEMA) {
                    statement.execute(ddl);
                }
                writer.setAutoCommit(false);
            } catch (SQLException e) {
                writer.close();
                throw e;
            }
            return new SqliteEventStore(url, writer);
        } catch (SQLException e) {
            throw new IOException("cannot open event database " + file + ": " + e.getMessage(), e);
        }
    }

    /** Inserts the batch in one transaction; when this returns, the batch is committed. */
    void insert(List<EncodedEvent> batch) throws SQLException {
        writeLock.lock();
        try (PreparedStatement insert = writer.prepareStatement(INSERT_EVENT)) {
            for (EncodedEvent encoded : batch) {
                Event event = encoded.event();
                Event.Policy policy = event.policy();
                insert.setString(1, event.id());
                insert.setLong(2, encoded.tsUnixNanos());
                insert.setString(3, event.sessionId());
                insert.setString(4, event.commandId());
                insert.setString(5, event.type());
                if (event.pid() == 0) {
                    insert.setNull(6, Types.INTEGER);
                } else {
                    insert.setInt(6, event.pid());
                }
                insert.setString(7, policy == null ? null : policy.decision());
                insert.setString(8, policy == null ? null : policy.effectiveDecision());
                insert.setString(9, policy == null ? null : policy.rule());
                insert.setString(10, event.path());
                insert.setString(11, event.domain());
                insert.setString(12, event.remote());
                insert.setString(13, event.operation());
                insert.setString(14, encoded.json());
                insert.addBatch();
            }
            insert.executeBatch();
            writer.commit();
        } catch (SQLException e) {
            rollbackQuietly(e);
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    List<Event> query(EventQuery query) {
        StringBuilder sql = new StringBuilder("SELECT payload_json FROM events WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        where(sql, args, "session_id = ?", query.sessionId());
        where(sql, args, "command_id = ?", query.commandId());
        if (!query.types().isEmpty()) {
            sql.append(" AND type IN (").append(String.join(", ", Collections.nCopies(query.types().size(), "?"))).append(')');
            args.addAll(query.types());
        }
        where(sql, args, "policy_decision = ?", query.decision());
        where(sql, args, "ts_unix_ns >= ?", nanosOrNull(query.since()));
        where(sql, args, "ts_unix_ns <= ?", nanosOrNull(query.until()));
        where(sql, args, "path LIKE ?", query.pathLike());
        where(sql, args, "domain LIKE ?", query.domainLike());
        where(sql, args, "payload_json LIKE ?", query.textLike());
        // rowid (insertion order) breaks timestamp ties so that paging with offset is stable.
        String direction = query.ascending() ? "ASC" : "DESC";
        sql.append(" ORDER BY ts_unix_ns ").append(direction).append(", rowid ").append(direction);
        sql.append(" LIMIT ? OFFSET ?");
        args.add(query.limit());
        args.add(query.offset());

        try (Connection reader = openReader(); PreparedStatement select = reader.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                select.setObject(i + 1, args.get(i));
            }
            List<Event> events = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(EventJson.fromJson(rows.getString(1)));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new EventLogException("event query failed: " + e.getMessage(), e);
        }
    }

    /** Stores (or replaces) the output of a command. */
    void saveOutput(CommandOutput output) {
        writeLock.lock();
        try (PreparedStatement upsert = writer.prepareStatement(UPSERT_OUTPUT)) {
            upsert.setString(1, output.commandId());
            upsert.setString(2, output.sessionId());
            upsert.setBytes(3, output.stdout());
            upsert.setBytes(4, output.stderr());
            upsert.setLong(5, output.stdoutTotalBytes());
            upsert.setLong(6, output.stderrTotalBytes());
            upsert.setInt(7, output.stdoutTruncated() ? 1 : 0);
            upsert.setInt(8, output.stderrTruncated() ? 1 : 0);
            upsert.setLong(9, Rfc3339.unixNanos(Instant.now()));
            upsert.executeUpdate();
            writer.commit();
        } catch (SQLException e) {
            rollbackQuietly(e);
            throw new EventLogException("cannot store output of command " + output.commandId() + ": " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    Optional<CommandOutput> output(String commandId) {
        try (Connection reader = openReader(); PreparedStatement select = reader.prepareStatement(SELECT_OUTPUT)) {
            select.setString(1, commandId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CommandOutput(commandId, row.getString(1), row.getBytes(2), row.getBytes(3),
                        row.getLong(4), row.getLong(5), row.getInt(6) != 0, row.getInt(7) != 0));
            }
        } catch (SQLException e) {
            throw new EventLogException("cannot read output of command " + commandId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws SQLException {
        writeLock.lock();
        try {
            writer.close();
        } finally {
            writeLock.unlock();
        }
    }

    private Connection openReader() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        return config.createConnection(url);
    }

    private void rollbackQuietly(SQLException failure) {
        try {
            writer.rollback();
        } catch (SQLException rollback) {
            failure.addSuppressed(rollback);
        }
    }

    private static void where(StringBuilder sql, List<Object> args, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            args.add(value);
        }
    }

    private static Long nanosOrNull(Instant instant) {
        return instant == null ? null : Rfc3339.unixNanos(instant);
    }
}
