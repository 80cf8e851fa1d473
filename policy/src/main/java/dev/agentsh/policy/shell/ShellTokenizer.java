package dev.agentsh.policy.shell;

import dev.agentsh.policy.shell.Token.Operator;
import dev.agentsh.policy.shell.Token.Redirection;
import dev.agentsh.policy.shell.Token.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a shell script into words, control operators and redirection operators.
 *
 * <p>Quotes are removed from words and the source text is kept. An expansion whose value is only
 * data (a variable, a glob, a brace or tilde expansion) is recorded on its word, so that the parser
 * can reject it in command position. An expansion that can run a program, or whose meaning differs
 * between shells, makes the whole script opaque: {@code $(...)}, backticks, process substitution,
 * arithmetic, here-documents, and the parameter-expansion forms listed in {@link
 * #checkParameterExpansion(String)}.
 */
final class ShellTokenizer {

    private static final String OPERATOR_CHARACTERS = ";&|()<>";

    /** Longest first, so that the first match is the one the shell takes. */
    private static final List<String> CONTROL_OPERATORS =
            List.of(";;&", ";;", ";&", ";", "&&", "&", "||", "|&", "|", "((", "(", ")");

    private static final List<String> REDIRECTION_OPERATORS =
            List.of("&>>", "&>", "<<<", "<<", "<&", "<>", "<", ">>", ">&", ">|", ">");

    /** Special parameters whose value the shell itself sets: a number or the option flags. */
    private static final String SHELL_SET_PARAMETERS = "#?$!-";

    private static final String COMMAND_SUBSTITUTION = "command substitution $(...)";
    private static final String BACKTICK_SUBSTITUTION = "command substitution `...`";
    private static final String ARITHMETIC_EXPANSION = "arithmetic expansion $((...))";

    /**
     * A parameter expansion body: an optional length operator, the parameter, an optional harmless
     * subscript (a number, {@code @} or {@code *}), then the operator part.
     */
    private static final Pattern PARAMETER_EXPANSION = Pattern.compile(
            "#?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(\\[(?:[0-9]+|@|\\*)])?(.*)",
            Pattern.DOTALL);

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Bounds the recursion over nested ${...}. */
    private static final int MAX_PARAMETER_NESTING = 16;

    private final String script;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;

    private ShellTokenizer(String script) {
        this.script = script;
    }

    /**
     * @throws OpaqueScriptException if the script contains a construct that hides which programs
     *     run, or is malformed in a way the shell would reject
     */
    static List<Token> tokenize(String script) {
        rejectControlCharacters(script);
        ShellTokenizer tokenizer = new ShellTokenizer(script);
        tokenizer.readTokens();
        return List.copyOf(tokenizer.tokens);
    }

    private static void rejectControlCharacters(String script) {
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\n') {
                throw new OpaqueScriptException(String.format(
                        "non-printable control character U+%04X at offset %d", (int) c, i));
            }
        }
    }

    private void readTokens() {
        while (pos < script.length()) {
            char c = script.charAt(pos);
            if (c == ' ' || c == '\t') {
                pos++;
            } else if (c == '\\' && charAt(pos + 1) == '\n') {
                pos += 2; // line continuation between words
            } else if (c == '#') {
                skipComment();
            } else if (c == '\n') {
                tokens.add(new Operator("\n"));
                pos++;
            } else if (c == '<' || c == '>' || script.startsWith("&>", pos)) {
                readRedirection("");
            } else if (OPERATOR_CHARACTERS.indexOf(c) >= 0) {
                readControlOperator();
            } else if (!readNumberedRedirection()) {
                tokens.add(readWord());
            }
        }
    }

    private void skipComment() {
        while (pos < script.length() && script.charAt(pos) != '\n') {
            pos++;
        }
    }

    private void readControlOperator() {
        for (String operator : CONTROL_OPERATORS) {
            if (script.startsWith(operator, pos)) {
                tokens.add(new Operator(operator));
                pos += operator.length();
                return;
            }
        }
    }

    /** {@code 2>file}, {@code 10<&0}: digits directly before a redirection name the descriptor. */
    private boolean readNumberedRedirection() {
        int end = pos;
        while (isAsciiDigit(charAt(end))) {
            end++;
        }
        if (end == pos || (charAt(end) != '<' && charAt(end) != '>')) {
            return false;
        }
        String descriptor = script.substring(pos, end);
        pos = end;
        readRedirection(descriptor);
        return true;
    }

    private void readRedirection(String descriptor) {
        if (script.startsWith("<(", pos) || script.startsWith(">(", pos)) {
            throw opaque("process substitution " + script.charAt(pos) + "(...)");
        }
        for (String operator : REDIRECTION_OPERATORS) {
            if (script.startsWith(operator, pos)) {
                if (operator.equals("<<")) {
                    // The body follows on later lines and may itself contain expansions.
                    throw opaque("here-document <<");
                }
                tokens.add(new Redirection(descriptor + operator));
                pos += operator.length();
                return;
            }
        }
    }

    private Word readWord() {
        int start = pos;
        WordBuilder word = new WordBuilder();
        while (pos < script.length()) {
            char c = script.charAt(pos);
            if (c == '(' && pos > start && "!*?@+".indexOf(script.charAt(pos - 1)) >= 0) {
                // ksh, zsh and bash with extglob read !(...) @(...) *(...) as a pattern, not a subshell.
                throw opaque("extended glob pattern " + script.charAt(pos - 1) + "(...)");
            }
            if (c == ' ' || c == '\t' || c == '\n' || OPERATOR_CHARACTERS.indexOf(c) >= 0) {
                break;
            }
            switch (c) {
                case '\\' -> readBackslash(word);
                case '\'' -> readSingleQuoted(word);
                case '"' -> readDoubleQuoted(word);
                case '$' -> readDollar(word, false);
                case '`' -> throw opaque(BACKTICK_SUBSTITUTION);
                case '*', '?' -> readPatternCharacter(word, "glob pattern");
                case '[' -> {
                    // A bracket only starts a pattern if the word closes it; a lone "[" is the test command.
                    if (closesBracketLater()) {
                        readPatternCharacter(word, "glob pattern");
                    } else if (IDENTIFIER.matcher(script.substring(start, pos)).matches()) {
                        // bash reads NAME[ as a subscript up to the matching ], across blanks and ';'.
                        throw opaque("subscript " + script.substring(start, pos + 1) + " not closed in the same word");
                    } else {
                        word.append(c);
                        pos++;
                    }
                }
                case '{', '}' -> readPatternCharacter(word, "brace expansion");
                case '~' -> {
                    if (pos == start) {
                        word.expansion("tilde expansion", false);
                    }
                    word.append(c);
                    pos++;
                }
                default -> {
                    word.append(c);
                    pos++;
                }
            }
        }
        return word.build(script.substring(start, pos));
    }

    private boolean closesBracketLater() {
        for (int i = pos + 1; i < script.length(); i++) {
            char c = script.charAt(i);
            if (c == ']') {
                return true;
            }
            if (c == ' ' || c == '\t' || c == '\n' || OPERATOR_CHARACTERS.indexOf(c) >= 0) {
                return false;
            }
        }
        return false;
    }

    private void readPatternCharacter(WordBuilder word, String what) {
        // A pattern can expand to any number of file names, or brace alternatives to several words.
        word.expansion(what, true);
        word.append(script.charAt(pos));
        pos++;
    }

    private void readBackslash(WordBuilder word) {
        if (pos + 1 >= script.length()) {
            word.append('\\'); // a trailing backslash is kept literally
            pos++;
        } else {
            char next = script.charAt(pos + 1);
            if (next != '\n') {
                word.append(next);
            }
            pos += 2;
        }
    }

    private void readSingleQuoted(WordBuilder word) {
        int close = script.indexOf('\'', pos + 1);
        if (close < 0) {
            throw opaque("unterminated single quote");
        }
        word.append(script, pos + 1, close);
        pos = close + 1;
    }

    private void readDoubleQuoted(WordBuilder word) {
        pos++;
        while (true) {
            if (pos >= script.length()) {
                throw opaque("unterminated double quote");
            }
            char c = script.charAt(pos);
            switch (c) {
                case '"' -> {
                    pos++;
                    return;
                }
                case '\\' -> {
                    char next = charAt(pos + 1);
                    if (next == '\n') {
                        pos += 2;
                    } else if (next != 0 && "$`\"\\".indexOf(next) >= 0) {
                        word.append(next);
                        pos += 2;
                    } else {
                        word.append('\\');
                        pos++;
                    }
                }
                case '$' -> readDollar(word, true);
                case '`' -> throw opaque(BACKTICK_SUBSTITUTION);
                default -> {
                    word.append(c);
                    pos++;
                }
            }
        }
    }

    private void readDollar(WordBuilder word, boolean inDoubleQuotes) {
        char next = charAt(pos + 1);
        switch (next) {
            case '(' -> throw opaque(charAt(pos + 2) == '(' ? ARITHMETIC_EXPANSION : COMMAND_SUBSTITUTION);
            case '[' -> throw opaque("arithmetic expansion $[...]");
            case '{' -> readParameterExpansion(word, inDoubleQuotes);
            case '\'' -> {
                if (inDoubleQuotes) {
                    appendLiteralDollar(word);
                } else {
                    readAnsiCString(word);
                }
            }
            case '"' -> {
                if (inDoubleQuotes) {
                    appendLiteralDollar(word);
                } else {
                    // bash looks the text up in a message catalog chosen by the environment.
                    throw opaque("locale-translated string $\"...\"");
                }
            }
            default -> {
                if (isNameStart(next)) {
                    readNamedParameter(word, inDoubleQuotes);
                } else if (isAsciiDigit(next)) {
                    word.append(script, pos, pos + 2);
                    word.expansion("variable", !inDoubleQuotes);
                    pos += 2;
                } else if (next == '@' || next == '*' || (next != 0 && SHELL_SET_PARAMETERS.indexOf(next) >= 0)) {
                    word.append(script, pos, pos + 2);
                    // "$@" splits even inside double quotes; $# $? $$ $! $- are set by the shell.
                    boolean splits = next == '@' || (next == '*' && !inDoubleQuotes);
                    word.expansion("variable", splits);
                    pos += 2;
                } else {
                    appendLiteralDollar(word);
                }
            }
        }
    }

    private void appendLiteralDollar(WordBuilder word) {
        word.append('$');
        pos++;
    }

    private void readNamedParameter(WordBuilder word, boolean inDoubleQuotes) {
        int end = pos + 1;
        while (isNameChar(charAt(end))) {
            end++;
        }
        if (charAt(end) == '[') {
            // zsh reads $name[...] as a subscript, which it evaluates arithmetically.
            throw opaque("subscript after " + script.substring(pos, end) + " (zsh evaluates it)");
        }
        word.append(script, pos, end);
        word.expansion("variable", !inDoubleQuotes);
        pos = end;
    }

    private void readParameterExpansion(WordBuilder word, boolean inDoubleQuotes) {
        int close = findParameterExpansionEnd(pos, 0);
        String body = script.substring(pos + 2, close);
        checkParameterExpansion(body);
        word.append(script, pos, close + 1);
        // "$@" and "${a[@]}" give one word per element even inside double quotes.
        word.expansion("variable", !inDoubleQuotes || body.startsWith("@") || body.contains("[@]"));
        pos = close + 1;
    }

    /**
     * Finds the brace closing the ${ at {@code dollar}, checking nested ${...} on the way. Quotes and
     * plain braces inside are rejected rather than interpreted, because shells disagree on them.
     */
    private int findParameterExpansionEnd(int dollar, int depth) {
        if (depth > MAX_PARAMETER_NESTING) {
            throw opaque("parameter expansions nested too deeply");
        }
        int i = dollar + 2;
        while (i < script.length()) {
            char c = script.charAt(i);
            switch (c) {
                case '}' -> {
                    return i;
                }
                case '\\' -> i += 2;
                case '\'', '"' -> throw opaque("quote inside ${...} (shells disagree on its meaning)");
                case '{' -> throw opaque("brace inside ${...} (shells disagree on where it ends)");
                case '`' -> throw opaque(BACKTICK_SUBSTITUTION);
                case '$' -> {
                    char next = charAt(i + 1);
                    if (next == '(') {
                        throw opaque(charAt(i + 2) == '(' ? ARITHMETIC_EXPANSION : COMMAND_SUBSTITUTION);
                    } else if (next == '[') {
                        throw opaque("arithmetic expansion $[...]");
                    } else if (next == '{') {
                        int innerClose = findParameterExpansionEnd(i, depth + 1);
                        checkParameterExpansion(script.substring(i + 2, innerClose));
                        i = innerClose + 1;
                    } else {
                        i++;
                    }
                }
                default -> i++;
            }
        }
        throw opaque("unterminated ${...}");
    }

    /**
     * Accepts the forms that only produce data. bash evaluates array subscripts and substring offsets
     * arithmetically, and arithmetic on a variable whose value is {@code a[$(cmd)]} runs cmd; {@code
     * ${!x}} and {@code ${x@P}} likewise reach code through a variable's value.
     */
    private static void checkParameterExpansion(String body) {
        if (body.startsWith("!")) {
            throw opaque("indirect expansion ${!...}");
        }
        Matcher matcher = PARAMETER_EXPANSION.matcher(body);
        if (!matcher.matches()) {
            throw opaque("unsupported parameter expansion ${" + body + "}");
        }
        String operation = matcher.group(3);
        if (operation.isEmpty()) {
            return;
        }
        char first = operation.charAt(0);
        boolean substring = first == ':' && (operation.length() == 1 || "-=?+".indexOf(operation.charAt(1)) < 0);
        if (first == '[') {
            throw opaque("array subscript in ${" + body + "} (evaluated arithmetically)");
        } else if (first == '@') {
            throw opaque("parameter transformation ${" + body + "}");
        } else if (substring && !operation.matches("[0-9 :+-]*")) {
            throw opaque("arithmetic offset in ${" + body + "}");
        } else if (!substring && "-=?+#%/^,:".indexOf(first) < 0) {
            throw opaque("unsupported parameter expansion ${" + body + "}");
        }
    }

    /**
     * bash decodes {@code $'...'}; dash (before 0.5.12) reads a literal {@code $} followed by a
     * single-quoted string. Both end at the same quote unless the text contains {@code \'}, so that
     * form is rejected and the rest decoded the bash way. The word is marked as an expansion so it is
     * never trusted as a command name.
     */
    private void readAnsiCString(WordBuilder word) {
        int i = pos + 2;
        StringBuilder decoded = new StringBuilder();
        while (true) {
            if (i >= script.length()) {
                throw opaque("unterminated $'...'");
            }
            char c = script.charAt(i);
            if (c == '\'') {
                break;
            }
            if (c != '\\') {
                decoded.append(c);
                i++;
                continue;
            }
            if (i + 1 >= script.length()) {
                throw opaque("unterminated $'...'");
            }
            if (script.charAt(i + 1) == '\'') {
                throw opaque("escaped quote inside $'...' (shells disagree on where it ends)");
            }
            i = decodeAnsiCEscape(i + 1, decoded);
        }
        word.append(decoded);
        word.expansion("ANSI-C quoted string $'...'", false);
        pos = i + 1;
    }

    /** Decodes the escape whose letter is at {@code i}; returns the index after it. */
    private int decodeAnsiCEscape(int i, StringBuilder out) {
        char letter = script.charAt(i);
        switch (letter) {
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'e', 'E' -> out.append('\u001b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'v' -> out.append('\u000b');
            case '\\', '"', '?' -> out.append(letter);
            case 'x' -> {
                return appendNumericEscape(i + 1, 16, 2, out, "\\x");
            }
            case 'u' -> {
                return appendNumericEscape(i + 1, 16, 4, out, "\\u");
            }
            case 'U' -> {
                return appendNumericEscape(i + 1, 16, 8, out, "\\U");
            }
            case 'c' -> {
                char controlled = charAt(i + 1);
                if (controlled == 0) {
                    out.append("\\c");
                    return i + 1;
                }
                out.append((char) (controlled & 0x1f));
                return i + 2;
            }
            default -> {
                if (letter >= '0' && letter <= '7') {
                    return appendNumericEscape(i, 8, 3, out, "");
                }
                out.append('\\').append(letter); // unknown escapes stay as written
            }
        }
        return i + 1;
    }

    private int appendNumericEscape(int start, int radix, int maxDigits, StringBuilder out, String withoutDigits) {
        int end = start;
        while (end < script.length() && end - start < maxDigits && asciiDigitValue(script.charAt(end)) < radix) {
            end++;
        }
        if (end == start) {
            out.append(withoutDigits);
            return start;
        }
        long value = Long.parseLong(script, start, end, radix);
        if (Character.isValidCodePoint((int) value)) {
            out.appendCodePoint((int) value);
        } else {
            out.append('\uFFFD');
        }
        return end;
    }

    private char charAt(int index) {
        // NUL never occurs in an accepted script (it is a control character), so it marks the end.
        return index < script.length() ? script.charAt(index) : 0;
    }

    private static boolean isNameStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isNameChar(char c) {
        return isNameStart(c) || isAsciiDigit(c);
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Value of an ASCII hex digit, or 99 for anything else (shells ignore non-ASCII digits). */
    private static int asciiDigitValue(char c) {
        if (isAsciiDigit(c)) {
            return c - '0';
        } else if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return 99;
    }

    private static OpaqueScriptException opaque(String why) {
        return new OpaqueScriptException(why);
    }

    /** Accumulates one word's text and its first run-time expansion. */
    private static final class WordBuilder {
        private final StringBuilder text = new StringBuilder();
        private String expansion;
        private boolean unquotedExpansion;

        void append(char c) {
            text.append(c);
        }

        void append(CharSequence chars) {
            text.append(chars);
        }

        void append(CharSequence chars, int start, int end) {
            text.append(chars, start, end);
        }

        void expansion(String what, boolean splits) {
            if (expansion == null) {
                expansion = what;
            }
            unquotedExpansion |= splits;
        }

        Word build(String raw) {
            return new Word(text.toString(), raw, expansion, unquotedExpansion);
        }
    }
}
