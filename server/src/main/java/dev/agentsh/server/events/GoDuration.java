package dev.agentsh.server.events;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations in Go's {@code time.ParseDuration} syntax ({@code 90s}, {@code 1h30m}, {@code 1.5h},
 * {@code 250ms}), because that is what agentsh clients send for {@code since}/{@code until}.
 */
final class GoDuration {

    private static final Pattern COMPONENT = Pattern.compile("(\\d*)(?:\\.(\\d*))?([a-zµμ]+)");

    private static final Map<String, BigDecimal> NANOS_PER_UNIT = Map.of(
            "ns", BigDecimal.ONE,
            "us", BigDecimal.valueOf(1_000L),
            "µs", BigDecimal.valueOf(1_000L), // U+00B5 micro sign
            "μs", BigDecimal.valueOf(1_000L), // U+03BC Greek small letter mu
            "ms", BigDecimal.valueOf(1_000_000L),
            "s", BigDecimal.valueOf(1_000_000_000L),
            "m", BigDecimal.valueOf(60_000_000_000L),
            "h", BigDecimal.valueOf(3_600_000_000_000L));

    private GoDuration() {
    }

    /** Throws {@link IllegalArgumentException} for anything Go would reject, including a missing unit. */
    static Duration parse(String text) {
        String rest = text;
        boolean negative = false;
        if (!rest.isEmpty() && (rest.charAt(0) == '-' || rest.charAt(0) == '+')) {
            negative = rest.charAt(0) == '-';
            rest = rest.substring(1);
        }
        if (rest.equals("0")) {
            return Duration.ZERO; // the only unit-less duration Go accepts
        }
        if (rest.isEmpty()) {
            throw invalid(text);
        }
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher component = COMPONENT.matcher(rest);
        int position = 0;
        while (position < rest.length()) {
            component.region(position, rest.length());
            if (!component.lookingAt()) {
                throw invalid(text);
            }
            String whole = component.group(1);
            String fraction = component.group(2) == null ? "" : component.group(2);
            BigDecimal unit = NANOS_PER_UNIT.get(component.group(3));
            if (whole.isEmpty() && fraction.isEmpty() || unit == null) {
                throw invalid(text);
            }
            BigDecimal amount = new BigDecimal((whole.isEmpty() ? "0" : whole) + "." + (fraction.isEmpty() ? "0" : fraction));
            nanos = nanos.add(amount.multiply(unit));
            position = component.end();
        }
        try {
            long total = nanos.setScale(0, RoundingMode.DOWN).longValueExact();
            return Duration.ofNanos(negative ? -total : total);
        } catch (ArithmeticException e) {
            throw invalid(text);
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid duration \"" + text + "\"");
    }
}
