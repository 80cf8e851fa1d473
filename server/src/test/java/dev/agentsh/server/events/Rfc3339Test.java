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
        }
    }
}
