package dev.agentsh.policy;

import dev.agentsh.policy.model.Mark;

/**
 * A policy that cannot be used: it could not be read, parsed, validated or compiled.
 * The message is one line: {@code file:line:column: key: what is wrong and what was expected}.
 */
public final class PolicyException extends Exception {
    private final Mark mark;
    private final String key;
    private final String problem;

    public PolicyException(Mark mark, String key, String problem) {
        super(format(mark, key, problem));
        this.mark = mark;
        this.key = key;
        this.problem = problem;
    }

    private static String format(Mark mark, String key, String problem) {
        String where = mark.toString();
        String text = oneLine(problem);
        return key == null || key.isEmpty() ? where + ": " + text : where + ": " + oneLine(key) + ": " + text;
    }

    /** Problems quote policy text, which may hold newlines or control characters; the message stays one line. */
    private static String oneLine(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    public Mark mark() {
        return mark;
    }

    /** The YAML key path, e.g. {@code command_rules[2].decision}; empty for whole-file problems. */
    public String key() {
        return key;
    }

    public String problem() {
        return problem;
    }
}
