package dev.agentsh.server.events;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EventQueryTest {

    @Test
    void noParametersMeansTheDefaults() {
        EventQuery query = EventQuery.parse(Map.of());

        assertThat(query).isEqualTo(EventQuery.all());
        assertThat(query.limit()).isEqualTo(200);
        assertThat(query.offset()).isZero();
        assertThat(query.ascending()).isFalse();
    }

    @Test
    void readsEveryParameter() {
        EventQuery query = EventQuery.parse(Map.ofEntries(
                Map.entry("session_id", "sess-1"),
                Map.entry("command_id", "cmd-1"),
                Map.entry("type", "file_open, file_write,,dns_query"),
                Map.entry("decision", "deny"),
                Map.entry("since", "2026-01-02T03:04:05.5+02:00"),
                Map.entry("until", "2026-01-03T00:00:00Z"),
                Map.entry("path_like", "/workspace/%"),
                Map.entry("domain_like", "%.example.com"),
                Map.entry("text_like", "%needle%"),
                Map.entry("limit", "50"),
                Map.entry("offset", "100"),
                Map.entry("order", "asc"),
                Map.entry("unrelated", "ignored")));

        assertThat(query).isEqualTo(new EventQuery("sess-1", "cmd-1", List.of("file_open", "file_write", "dns_query"),
                "deny", Instant.parse("2026-01-02T01:04:05.5Z"), Instant.parse("2026-01-03T00:00:00Z"),
                "/workspace/%", "%.example.com", "%needle%", 50, 100, true));
    }

    @Test
    void orderDescIsNewestFirst() {
        assertThat(EventQuery.parse(Map.of("order", "desc")).ascending()).isFalse();
        assertThat(EventQuery.parse(Map.of("order", "ASC")).ascending()).isTrue();
    }

    @Test
    void blankParametersAreIgnored() {
        assertThat(EventQuery.parse(Map.of("type", " ", "since", "", "limit", ""))).isEqualTo(EventQuery.all());
    }

    @Test
    void limitOutsideTheAllowedRangeFallsBackToTheDefault() {
        assertThat(EventQuery.parse(Map.of("limit", "5000")).limit()).isEqualTo(5000);
        assertThat(EventQuery.parse(Map.of("limit", "5001")).limit()).isEqualTo(200);
        assertThat(EventQuery.parse(Map.of("limit", "0")).limit()).isEqualTo(200);
        assertThat(EventQuery.parse(Map.of("limit", "-3")).limit()).isEqualTo(200);
        assertThat(EventQuery.all().withLimit(1).limit()).isEqualTo(1);
    }

    @Test
    void durationsMeanThatLongAgo() {
        assertAgo("1h", Duration.ofHours(1));
        assertAgo("30m", Duration.ofMinutes(30));
        assertAgo("90s", Duration.ofSeconds(90));
        assertAgo("1h30m", Duration.ofMinutes(90));
        assertAgo("1.5h", Duration.ofMinutes(90));
        assertAgo("250ms", Duration.ofMillis(250));
        assertAgo("0", Duration.ZERO);
    }

    @Test
    void rejectsBadValuesNamingTheParameter() {
        assertRejected(Map.of("since", "x"), "bad since \"x\": expected RFC3339 time or a duration such as 1h");
        assertRejected(Map.of("until", "yesterday"),
                "bad until \"yesterday\": expected RFC3339 time or a duration such as 1h");
        assertRejected(Map.of("since", "2026-13-01T00:00:00Z"),
                "bad since \"2026-13-01T00:00:00Z\": expected RFC3339 time or a duration such as 1h");
        assertRejected(Map.of("limit", "ten"), "bad limit \"ten\": expected a whole number");
        assertRejected(Map.of("offset", "1.5"), "bad offset \"1.5\": expected a whole number");
        assertRejected(Map.of("offset", "-1"), "bad offset \"-1\": must not be negative");
        assertRejected(Map.of("order", "sideways"), "bad order \"sideways\": expected asc or desc");
    }

    @Test
    void negativeOffsetIsRejectedWhenBuiltDirectly() {
        assertThatThrownBy(() -> EventQuery.all().withOffset(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertAgo(String value, Duration ago) {
        Instant expected = Instant.now().minus(ago);
        assertThat(EventQuery.parse(Map.of("since", value)).since()).as(value).isCloseTo(expected, within(5, ChronoUnit.SECONDS));
    }

    private static void assertRejected(Map<String, String> params, String message) {
        assertThatThrownBy(() -> EventQuery.parse(params))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
