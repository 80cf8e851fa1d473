package dev.agentsh.server.config;

import dev.agentsh.policy.load.PolicyStore;
import dev.agentsh.policy.load.GoDurations;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for configuration values written as text. Each throws IllegalArgumentException whose
 * message says what is wrong and what was expected; the caller adds where (file position or
 * environment variable), so the same parser serves both.
 */
final class Values {
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,18})\\s*(?:([KMG])(?:i?B)?|B)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern MODE = Pattern.compile("(?:0o?)?([0-7]{3})");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern PID = Pattern.compile("[0-9]{1,10}");

    private Values() {
    }

    /** A Go duration that must be positive: a zero timeout or interval is a mistake, not "none". */
    static Duration duration(String text) {
        Duration d = GoDurations.parse(text);
        if (d == null) {
            throw new IllegalArgumentException(quote(text) + " is not a duration; expected a number with a unit, e.g. 500ms, 30s, 5m, 1h30m");
        }
        if (d.isZero()) {
            throw new IllegalArgumentException("must be more than zero, found " + quote(text) + " (leave the key out for the default)");
        }
        return d;
    }

    /** Bytes: {@code 1048576}, {@code 512KB}, {@code 10MB}, {@code 1GiB}. K, M and G are powers of 1024, as in the original. */
    static long size(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(quote(text) + " is not a size; expected bytes or a number with KB, MB or GB, e.g. 10MB");
        }
        int shift = m.group(2) == null ? 0 : 10 * ("KMG".indexOf(Character.toUpperCase(m.group(2).charAt(0))) + 1);
        long bytes = Long.parseLong(m.group(1));
        if (bytes == 0) {
            throw new IllegalArgumentException("must be more than zero, found " + quote(text));
        }
        if (bytes > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException(quote(text) + " is too large");
        }
        return bytes << shift;
    }

    /**
     * A file mode in octal, {@code "0660"}. The text is read as written, so an unquoted YAML
     * {@code 0660} (which YAML 1.2 would make the decimal number 660) still means rw-rw----.
     */
    static Set<PosixFilePermission> permissions(String text) {
        Matcher m = MODE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(quote(text) + " is not a file mode; expected three octal digits, e.g. \"0660\"");
        }
        int bits = Integer.parseInt(m.group(1), 8);
        StringBuilder rwx = new StringBuilder(9);
        for (int bit = 8; bit >= 0; bit--) {
            rwx.append((bits & (1 << bit)) != 0 ? "rwx".charAt((8 - bit) % 3) : '-');
        }
        return PosixFilePermissions.fromString(rwx.toString());
    }

    static String headerName(String text) {
        if (!HEADER_NAME.matcher(text).matches()) {
            throw new IllegalArgumentException(quote(text) + " is not an HTTP header name, e.g. X-API-Key");
        }
        return text;
    }

    static String httpPath(String text) {
        if (!text.startsWith("/") || text.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#')) {
            throw new IllegalArgumentException(quote(text) + " is not a URL path; expected one starting with /, e.g. /health");
        }
        return text;
    }

    /** The policy store's own rule: names become file names, so nothing that could leave the policy directory. */
    static String policyName(String text) {
        if (!PolicyStore.isValidName(text)) {
            throw new IllegalArgumentException(quote(text) + " is not a policy name; expected letters, digits, '_' and '-'");
        }
        return text;
    }

    static String nonEmpty(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return text;
    }

    /** Exec bypass entries are compared with canonical executable paths, so they must be absolute. */
    static Path absolutePath(String text) {
        Path p = Path.of(text);
        if (!p.isAbsolute()) {
            throw new IllegalArgumentException(quote(text) + " is not an absolute path; expected e.g. /usr/local/bin/agentsh");
        }
        return p.normalize();
    }

    /** An on/off environment variable; the seed documents {@code =1}. */
    static boolean flag(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(quote(text) + " is not on or off; expected 1 or 0 (or true or false)");
        };
    }

    static int pid(String text) {
        if (!PID.matcher(text).matches() || Long.parseLong(text) == 0 || Long.parseLong(text) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(quote(text) + " is not a process id; expected a positive number");
        }
        return Integer.parseInt(text);
    }

    /** A parser for one of {@code type}'s words; {@code notYet} are the original's words we do not implement. */
    static <E extends Enum<E> & Keyword> Function<String, E> keyword(Class<E> type, String... notYet) {
        return text -> Keyword.parse(type, text).orElseThrow(() -> new IllegalArgumentException(
                quote(text) + (List.of(notYet).contains(text) ? " is not supported by this agentsh yet" : " is not valid")
                        + "; expected one of " + Keyword.choices(type)));
    }

    static String quote(String text) {
        return "\"" + text + "\"";
    }
}
