package dev.agentsh.server.events;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class EventLogQueryTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static final Event OPEN = event("e1", "s1", "c1", "file_open", 0)
            .path("/workspace/a.txt").policy(Event.Policy.of("allow", "allow", "ws")).build();
    private static final Event WRITE = event("e2", "s1", "c1", "file_write", 1)
            .path("/workspace/logs/b.log").policy(Event.Policy.of("deny", "deny", "no-logs")).build();
    private static final Event DNS = event("e3", "s1", "c2", "dns_query", 2)
            .domain("api.example.com").policy(Event.Policy.of("allow", "allow", "net")).build();
    private static final Event CONNECT = event("e4", "s2", "c3", "net_connect", 3)
            .domain("evil.test").remote("evil.test:443").policy(Event.Policy.of("approve", "allow", "ask"))
            .field("note", "needle in a haystack").build();
    private static final Event FINISHED = event("e5", "s2", "c3", "command_finished", 4)
            .field("exit_code", 0).build();

    @TempDir
    Path dir;
    private EventLog log;

    @BeforeEach
    void recordFixture() throws Exception {
        log = EventLog.open(dir.resolve("db/events.db"), null);
        // Recorded out of timestamp order: results are ordered by event time, not arrival.
        log.record(CONNECT, OPEN, FINISHED);
        log.record(List.of(DNS, WRITE));
    }

    @AfterEach
    void close() throws Exception {
        log.close();
    }

    @Test
    void newestFirstByDefaultAndDecodedIntact() {
        assertThat(log.query(EventQuery.all())).containsExactly(FINISHED, CONNECT, DNS, WRITE, OPEN);
    }

    @Test
    void ascendingOrder() {
        assertThat(log.query(EventQuery.all().withAscending(true))).containsExactly(OPEN, WRITE, DNS, CONNECT, FINISHED);
        assertThat(log.query(EventQuery.parse(Map.of("order", "asc")))).first().isEqualTo(OPEN);
    }

    @Test
    void filtersBySessionCommandTypeAndDecision() {
        assertThat(log.query(EventQuery.all().withSessionId("s2"))).containsExactly(FINISHED, CONNECT);
        assertThat(log.query(EventQuery.all().withCommandId("c1"))).containsExactly(WRITE, OPEN);
        assertThat(log.query(EventQuery.all().withTypes("dns_query", "net_connect"))).containsExactly(CONNECT, DNS);
        assertThat(log.query(EventQuery.all().withDecision("deny"))).containsExactly(WRITE);
        // decision is the rule's verdict, not the enforced one
        assertThat(log.query(EventQuery.all().withDecision("approve"))).containsExactly(CONNECT);
        assertThat(log.query(EventQuery.all().withSessionId("s1").withTypes("file_open", "file_write").withDecision("allow")))
                .containsExactly(OPEN);
    }

    @Test
    void sinceAndUntilAreInclusive() {
        assertThat(log.query(EventQuery.all().withSince(T0.plusSeconds(1)).withUntil(T0.plusSeconds(3))))
                .containsExactly(CONNECT, DNS, WRITE);
        assertThat(log.query(EventQuery.parse(Map.of("since", "2026-03-01T12:00:03+02:00")))).containsExactly(FINISHED, CONNECT);
    }

    @Test
    void likeFilters() {
        assertThat(log.query(EventQuery.all().withPathLike("/workspace/logs/%"))).containsExactly(WRITE);
        assertThat(log.query(EventQuery.all().withPathLike("%.TXT"))).as("ASCII case-insensitive").containsExactly(OPEN);
        assertThat(log.query(EventQuery.all().withDomainLike("%.example.com"))).containsExactly(DNS);
        assertThat(log.query(EventQuery.all().withTextLike("%needle%"))).containsExactly(CONNECT);
        assertThat(log.query(EventQuery.all().withTextLike("%\"exit_code\":0%"))).containsExactly(FINISHED);
    }

    @Test
    void limitAndOffsetPage() {
        assertThat(log.query(EventQuery.all().withLimit(2))).containsExactly(FINISHED, CONNECT);
        assertThat(log.query(EventQuery.all().withLimit(2).withOffset(2))).containsExactly(DNS, WRITE);
        assertThat(log.query(EventQuery.all().withLimit(2).withOffset(4))).containsExactly(OPEN);
        assertThat(log.query(EventQuery.all().withOffset(5))).isEmpty();
    }

    @Test
    void limitAboveTheMaximumFallsBackTo200() {
        log.record(IntStream.range(0, 300).mapToObj(i -> Event.of("file_stat", "bulk")).toList());

        assertThat(log.query(EventQuery.all().withSessionId("bulk").withLimit(6000))).hasSize(200);
        assertThat(log.query(EventQuery.all().withSessionId("bulk").withLimit(5000))).hasSize(300);
        assertThat(log.query(EventQuery.all().withSessionId("bulk"))).hasSize(200);
    }

    @Test
    void sinceAsADurationMeansAgo() {
        Instant now = Instant.now();
        Event old = Event.builder("file_open", "recent").timestamp(now.minus(Duration.ofHours(2))).build();
        Event fresh = Event.builder("file_open", "recent").timestamp(now.minus(Duration.ofMinutes(10))).build();
        log.record(old, fresh);

        assertThat(log.query(EventQuery.parse(Map.of("session_id", "recent", "since", "1h")))).containsExactly(fresh);
        assertThat(log.query(EventQuery.parse(Map.of("session_id", "recent", "since", "3h", "until", "1h"))))
                .containsExactly(old);
    }

    @Test
    void recordingTheSameEventTwiceStoresItOnce() {
        log.record(OPEN);

        assertThat(log.query(EventQuery.all().withCommandId("c1"))).containsExactly(WRITE, OPEN);
    }

    private static Event.Builder event(String id, String session, String command, String type, int secondsAfterT0) {
        return Event.builder(type, session).id(id).commandId(command).timestamp(T0.plusSeconds(secondsAfterT0));
    }
}
