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
        return key == null || key.isEmpty() ? where + ": " + problem : where + ": " + key + ": " + problem;
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
