package dev.agentsh.server.events;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** RFC 3339 timestamps as agentsh writes them (Go's {@code time.RFC3339Nano} in UTC). */
final class Rfc3339 {

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private Rfc3339() {
    }

    /**
     * Formats like Go's RFC3339Nano: nanosecond fraction with trailing zeros trimmed, {@code Z} suffix. Written out
     * by hand: every exec event gets a timestamp, and the general formatters cost several times more.
     */
    static String format(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return SECONDS.format(instant) + fraction(instant.getNano()) + "Z";
        }
        StringBuilder text = new StringBuilder(30);
        digits(text, t.getYear(), 4).append('-');
        digits(text, t.getMonthValue(), 2).append('-');
        digits(text, t.getDayOfMonth(), 2).append('T');
        digits(text, t.getHour(), 2).append(':');
        digits(text, t.getMinute(), 2).append(':');
        digits(text, t.getSecond(), 2);
        return text.append(fraction(instant.getNano())).append('Z').toString();
    }

    /** {@code .} and the nanoseconds without trailing zeros, or nothing for a whole second. */
    private static String fraction(int nanos) {
        if (nanos == 0) {
            return "";
        }
        int width = 9;
        while (nanos % 10 == 0) {
            nanos /= 10;
            width--;
        }
        return digits(new StringBuilder(10).append('.'), nanos, width).toString();
    }

    /** Appends {@code value} (not negative) zero-padded to {@code width} digits. */
    private static StringBuilder digits(StringBuilder text, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            text.append('0');
        }
        return text.append(s);
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
