package dev.agentsh.policy.shell;

import java.util.regex.Pattern;

/** One lexical unit of a shell script, as produced by {@link ShellTokenizer}. */
sealed interface Token {

    /**
     * A word with its quotes removed.
     *
     * @param text the word's value as the caller should see it: quotes and escapes removed,
     *     expansions kept as written (for example {@code $HOME} or {@code *.go})
     * @param raw the word exactly as it appears in the script
     * @param expansion names the first part whose value is only known at run time (a variable, a
     *     glob, ...), or null when the word is literal
     * @param unquotedExpansion whether the run-time value may split into several words, so that one
     *     word in the script can become several arguments (or options) when the shell runs
     */
    record Word(String text, String raw, String expansion, boolean unquotedExpansion)
            implements Token {

        private static final Pattern ASSIGNMENT =
                Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\+?=.*", Pattern.DOTALL);

        boolean isLiteral() {
            return expansion == null;
        }

        /** {@code NAME=value} or {@code NAME+=value} with an unquoted name. */
        boolean isAssignment() {
            return ASSIGNMENT.matcher(raw).matches();
        }

        /** The variable an {@link #isAssignment() assignment} sets. */
        String assignedName() {
            String name = raw.substring(0, raw.indexOf('='));
            return name.endsWith("+") ? name.substring(0, name.length() - 1) : name;
        }
    }

    /** A control operator such as {@code ;}, {@code &&}, {@code |}, {@code (} or a newline. */
    record Operator(String symbol) implements Token {}

    /** A redirection operator such as {@code >}, {@code 2>&} or {@code <<<}; its target is the next word. */
    record Redirection(String operator) implements Token {}
}
