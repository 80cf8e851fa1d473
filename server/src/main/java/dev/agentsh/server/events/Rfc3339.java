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
        Instant written = parseAsWritten(text);
        if (written != null) {
            return written;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("not an RFC3339 time: \"" + text + "\"", e);
        }
    }

    /**
     * A time in the form {@link #format} writes ({@code 2026-11-29T06:50:54.123Z}), read by hand: every event's
     * timestamp is read back when it is recorded (for its {@code ts_unix_ns}), and warm that took the general
     * parser 1.7 µs an event against 0.1 µs here. Null for any other text, which the general parser then reads or
     * rejects.
     */
    private static Instant parseAsWritten(String t) {
        int n = t.length();
        if (n < 20 || n > 30 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':'
                || t.charAt(16) != ':' || t.charAt(n - 1) != 'Z' || (n > 20 && (n == 21 || t.charAt(19) != '.'))) {
            return null;
        }
        int year = number(t, 0, 4);
        int month = number(t, 5, 7);
        int day = number(t, 8, 10);
        int hour = number(t, 11, 13);
        int minute = number(t, 14, 16);
        int second = number(t, 17, 19);
        int nanos = n > 20 ? number(t, 20, n - 1) : 0;
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || nanos < 0) {
            return null;
        }
        for (int digits = n - 21; digits > 0 && digits < 9; digits++) {
            nanos *= 10;
        }
        try {
            return Instant.ofEpochSecond(LocalDateTime.of(year, month, day, hour, minute, second)
                    .toEpochSecond(ZoneOffset.UTC), nanos);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The ASCII digits from {@code from} to {@code to} as a number, or -1 if any is not one. */
    private static int number(String t, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
