package dev.agentsh.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {
    /** Go's RFC3339Nano, through the general formatter: the reference the hand-written one must match. */
    private static String reference(Instant instant) {
        String seconds = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC).format(instant);
        String fraction = String.format("%09d", instant.getNano()).replaceAll("0+$", "");
        return seconds + (fraction.isEmpty() ? "" : "." + fraction) + "Z";
    }

    @ParameterizedTest
    @CsvSource({
            "2026-11-29T05:01:15Z, 2026-11-29T05:01:15Z",
            "2026-11-29T05:01:15.100Z, 2026-11-29T05:01:15.1Z",
            "2026-01-02T03:04:05.000000001Z, 2026-01-02T03:04:05.000000001Z",
            "0001-01-01T00:00:00.120Z, 0001-01-01T00:00:00.12Z",
            "1970-01-01T00:00:00Z, 1970-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z, 9999-12-31T23:59:59.999999999Z",
    })
    void formatsLikeGo(String instant, String expected) {
        assertThat(Rfc3339.format(Instant.parse(instant))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 20261129})
    void matchesTheGeneralFormatterOverRandomInstants(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 2_000; i++) {
            // Years -2000 to 12000, so the fallback outside four-digit years is covered too.
            long seconds = random.nextLong(-125_000_000_000L, 316_000_000_000L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            assertThat(Rfc3339.format(instant)).as("%s", instant).isEqualTo(reference(instant));
            assertThat(Rfc3339.parse(Rfc3339.format(instant))).isEqualTo(instant);
            String written = Rfc3339.format(instant);
            assertThat(Rfc3339.parse(written)).as(written).isEqualTo(generalParse(written));
        }
    }

    /** Texts near the written form: the hand-read path must accept, and read, exactly what the general one does. */
    @ParameterizedTest
    @ValueSource(strings = {
            "2026-11-29T06:50:54Z", "2026-11-29T06:50:54.5Z", "2026-11-29T06:50:54.000000000Z",
            "2026-11-29T06:50:54.123456789Z", "2024-02-29T12:00:00Z", "0000-01-01T00:00:00Z",
            "2023-02-29T12:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-31T00:00:00Z",
            "2026-11-29T24:00:00Z", "2026-11-29T23:60:00Z", "2026-11-29T23:59:60Z", "2026-11-29T23:59:59.Z",
            "2026-11-29T23:59:59.1234567890Z", "2026-11-29t23:59:59z", "2026-11-29T23:59:59+01:00",
            "2026-11-29T23:59:59.5-00:30", "+2026-11-29T23:59:59Z", "２０２６-11-29T23:59:59Z", "2026-11-29T23:59:5xZ",
            "2026-11-29 23:59:59Z", "2026-11-29T23:59:59", "", "Z"})
    void readsWhatTheGeneralParserReads(String text) {
        Object expected;
        try {
            expected = generalParse(text);
        } catch (java.time.DateTimeException e) {
            expected = IllegalArgumentException.class;
        }
        Object actual;
        try {
            actual = Rfc3339.parse(text);
        } catch (IllegalArgumentException e) {
            actual = IllegalArgumentException.class;
        }
        assertThat(actual).isEqualTo(expected);
    }

    private static Instant generalParse(String text) {
        return java.time.OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }
}
