package dev.agentsh.server.events;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** RFC 3339 timestamps as agentsh writes them (Go's {@code time.RFC3339Nano} in UTC). */
final class Rfc3339 {

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private Rfc3339() {
    }

    /** Formats like Go's RFC3339Nano: nanosecond fraction with trailing zeros trimmed, {@code Z} suffix. */
    static String format(Instant instant) {
        StringBuilder text = new StringBuilder(SECONDS.format(instant));
        int nanos = instant.getNano();
        if (nanos != 0) {
            String fraction = String.format("%09d", nanos);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            text.append('.').append(fraction, 0, end);
        }
        return text.append('Z').toString();
    }

    /** Parses an RFC 3339 time with any offset; throws {@link IllegalArgumentException} if it is not one. */
    static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("not an RFC3339 time: \"" + text + "\"", e);
        }
    }

    /**
     * Nanoseconds since the Unix epoch, the unit of the {@code ts_unix_ns} column. Saturates instead of
     * overflowing outside 1677..2262 so that a far-future {@code until} bound still means "everything".
     */
    static long unixNanos(Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (ArithmeticException e) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
