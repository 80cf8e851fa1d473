package dev.agentsh.policy.load;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations in Go's syntax ({@code 500ms}, {@code 30s}, {@code 1.5h}, {@code 1h30m}), which the
 * original agentsh uses in policies, configs, flags and query parameters — the one parser for all.
 */
public final class GoDurations {
    /** For messages: what a duration looks like. */
    public static final String EXPECTED = "a duration such as 500ms, 30s, 5m or 1h30m";

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Map<String, BigDecimal> NANOS = Map.of(
            "ns", BigDecimal.ONE,
            "us", BigDecimal.valueOf(1_000L),
            "µs", BigDecimal.valueOf(1_000L),
            "μs", BigDecimal.valueOf(1_000L),
            "ms", BigDecimal.valueOf(1_000_000L),
            "s", BigDecimal.valueOf(1_000_000_000L),
            "m", BigDecimal.valueOf(60_000_000_000L),
            "h", BigDecimal.valueOf(3_600_000_000_000L));

    private GoDurations() {
    }

    /** The duration, or null when the text is not one. {@code 0} alone is zero; negative durations are not accepted. */
    public static Duration parse(String text) {
        String s = text.strip();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            return null;
        }
        Matcher m = PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < s.length()) {
            if (!m.region(at, s.length()).lookingAt()) {
                return null;
            }
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(NANOS.get(m.group(2))));
            at = m.end();
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return null;
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** Short form for messages: whole seconds as {@code 30s}, anything finer in milliseconds. */
    public static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
