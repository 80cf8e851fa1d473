package dev.agentsh.policy.match;

import java.util.regex.Pattern;

/**
 * A compiled glob in the dialect policies use: {@code *} is any run of characters without the
 * separator, {@code **} any run including separators (also empty), {@code ?} one non-separator
 * character, {@code [abc]} {@code [a-z]} {@code [!abc]} classes, {@code {a,b}} alternation and
 * {@code \} escapes. The whole string must match. With {@link #NO_SEPARATOR}, {@code *} and
 * {@code **} are the same.
 *
 * <p>Most policy globs are a literal, a literal followed by {@code **}, or {@code **} followed by a
 * literal; those are matched without a regular expression, since they dominate evaluation time.
 */
public final class Glob {
    public static final char NO_SEPARATOR = 0;

    private enum Shape { LITERAL, PREFIX, SUFFIX, SEGMENT_SUFFIX, ANYTHING, REGEX }

    private final String pattern;
    private final Shape shape;
    /** The literal for LITERAL/PREFIX/SUFFIX; the literal start of the pattern for REGEX. */
    private final String literal;
    private final Pattern regex;
    private final char separator;

    private Glob(String pattern, Shape shape, String literal, Pattern regex, char separator) {
        this.pattern = pattern;
        this.shape = shape;
        this.literal = literal;
        this.regex = regex;
        this.separator = separator;
    }

    public static Glob compile(String pattern, char separator) throws GlobSyntaxException {
        StringBuilder regex = new StringBuilder();
        int end = translate(pattern, 0, separator, regex, false);
        if (end != pattern.length()) {
            throw new GlobSyntaxException(pattern, end, "unexpected '" + pattern.charAt(end) + "'");
        }
        String literalStart = literalPrefix(pattern);
        if (literalStart.length() == pattern.length()) {
            return new Glob(pattern, Shape.LITERAL, pattern, null, separator);
        }
        String rest = pattern.substring(literalStart.length());
        boolean starStar = rest.equals("**") || (separator == NO_SEPARATOR && rest.equals("*"));
        if (starStar) {
            return literalStart.isEmpty()
                    ? new Glob(pattern, Shape.ANYTHING, "", null, separator)
                    : new Glob(pattern, Shape.PREFIX, literalStart, null, separator);
        }
        String leadingStars = separator == NO_SEPARATOR ? "*" : "**";
        if (pattern.startsWith(leadingStars) && isLiteralTail(pattern.substring(leadingStars.length()))) {
            return new Glob(pattern, Shape.SUFFIX, pattern.substring(leadingStars.length()), null, separator);
        }
        if (separator != NO_SEPARATOR && pattern.startsWith("*") && isLiteralTail(pattern.substring(1))) {
            return new Glob(pattern, Shape.SEGMENT_SUFFIX, pattern.substring(1), null, separator);
        }
        return new Glob(pattern, Shape.REGEX, literalStart, Pattern.compile(regex.toString(), Pattern.DOTALL), separator);
    }

    public boolean matches(String text) {
        return switch (shape) {
            case LITERAL -> text.equals(literal);
            case PREFIX -> text.startsWith(literal);
            case SUFFIX -> text.endsWith(literal);
            case SEGMENT_SUFFIX -> text.endsWith(literal) && text.lastIndexOf(separator, text.length() - literal.length() - 1) < 0;
            case ANYTHING -> true;
            case REGEX -> text.startsWith(literal) && regex.matcher(text).matches();
        };
    }

    /** The text every match starts with (the whole text for a literal pattern). */
    public String literalStart() {
        return shape == Shape.SUFFIX || shape == Shape.SEGMENT_SUFFIX || shape == Shape.ANYTHING ? "" : literal;
    }

    public String pattern() {
        return pattern;
    }

    @Override
    public String toString() {
        return pattern;
    }

    private static boolean isLiteralTail(String tail) {
        return !tail.isEmpty() && tail.charAt(0) != '*' && literalPrefix(tail).length() == tail.length();
    }

    /** The longest leading run without metacharacters (escapes stop it, to keep this simple). */
    private static String literalPrefix(String pattern) {
        int i = 0;
        while (i < pattern.length() && "*?[{\\".indexOf(pattern.charAt(i)) < 0) {
            i++;
        }
        return pattern.substring(0, i);
    }

    /**
     * Appends the regex for pattern[from..] to out and returns the index where translation
     * stopped: the end, or (inside alternation) the ',' or '}' that ends the branch.
     */
    private static int translate(String pattern, int from, char separator, StringBuilder out, boolean inBraces)
            throws GlobSyntaxException {
        String notSeparator = separator == NO_SEPARATOR ? "." : "[^" + Pattern.quote(String.valueOf(separator)) + "]";
        int i = from;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                        out.append(".*");
                        i += 2;
                        while (i < pattern.length() && pattern.charAt(i) == '*') {
                            i++;
                        }
                    } else {
                        out.append(notSeparator).append('*');
                        i++;
                    }
                }
                case '?' -> {
                    out.append(notSeparator);
                    i++;
                }
                case '[' -> i = translateClass(pattern, i, out);
                case '{' -> {
                    out.append("(?:");
                    int j = i + 1;
                    while (true) {
                        j = translate(pattern, j, separator, out, true);
                        if (j >= pattern.length()) {
                            throw new GlobSyntaxException(pattern, i, "'{' is never closed");
                        }
                        if (pattern.charAt(j) == '}') {
                            break;
                        }
                        out.append('|');
                        j++;
                    }
                    out.append(')');
                    i = j + 1;
                }
                case ',', '}' -> {
                    if (inBraces) {
                        return i;
                    }
                    if (c == '}') {
                        throw new GlobSyntaxException(pattern, i, "'}' without '{'");
                    }
                    out.append(',');
                    i++;
                }
                case '\\' -> {
                    if (i + 1 >= pattern.length()) {
                        throw new GlobSyntaxException(pattern, i, "'\\' at the end escapes nothing");
                    }
                    out.append(Pattern.quote(String.valueOf(pattern.charAt(i + 1))));
                    i += 2;
                }
                default -> {
                    out.append(Pattern.quote(String.valueOf(c)));
                    i++;
                }
            }
        }
        return i;
    }

    private static int translateClass(String pattern, int open, StringBuilder out) throws GlobSyntaxException {
        int i = open + 1;
        StringBuilder cls = new StringBuilder("[");
        if (i < pattern.length() && pattern.charAt(i) == '!') {
            cls.append('^');
            i++;
        }
        int first = i;
        while (i < pattern.length() && (pattern.charAt(i) != ']' || i == first)) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                c = pattern.charAt(++i);
            }
            if (c == '-' && i > first && i + 1 < pattern.length() && pattern.charAt(i + 1) != ']') {
                cls.append('-');
            } else {
                cls.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c);
            }
            i++;
        }
        if (i >= pattern.length()) {
            throw new GlobSyntaxException(pattern, open, "'[' is never closed");
        }
        out.append(cls).append(']');
        return i + 1;
    }
}
