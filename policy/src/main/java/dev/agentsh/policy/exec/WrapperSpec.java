package dev.agentsh.policy.exec;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command-line syntax of one wrapper: the options it knows and how it finds the command it runs.
 *
 * <p>Options are written the way getopt spells them, so each table can be checked against the wrapper's source:
 * short options as an optstring ({@code "n:"}) and long options as space-separated names ({@code "adjustment:"}).
 * A trailing {@code :} means a required argument, {@code ::} an optional one that must be attached, and {@code ?}
 * an argument that may or may not be present (sources or versions disagree), so both readings are explored.
 *
 * @param name               the wrapper's name as used in notes ("ld.so" for the whole dynamic-loader family)
 * @param dialect            how the wrapper reads its arguments
 * @param options            keyed by "-x" or "--name"
 * @param assignments        whether NAME=VALUE words before the command set environment variables
 * @param leadingOperand     an operand the wrapper takes before the command
 * @param legacyNumericFlags nice's "-5", "--5", "-+5": an adjustment written as an option
 * @param loneDashIsFlag     env's "-" after the options: the same as -i
 */
record WrapperSpec(
        String name,
        Dialect dialect,
        Map<String, Option> options,
        Assignments assignments,
        LeadingOperand leadingOperand,
        boolean legacyNumericFlags,
        boolean loneDashIsFlag) {

    enum Dialect {
        /** getopt_long: "-abc" clusters, "--name[=value]", long-name prefixes; stops at the first operand. */
        GETOPT,
        /** glibc's ld.so: long options only, exact names, values in the next token; "-x" is already the program. */
        RTLD,
        /** busybox: the first argument, or argv[0] when invoked through a symlink, names the applet to run. */
        MULTICALL
    }

    enum Arity {
        NONE,
        REQUIRED,
        /** getopt's "x::": a value only when attached ("-xVALUE", "--name=VALUE"), never the next token. */
        OPTIONAL,
        /** A separate value may or may not follow; both readings are explored. */
        EITHER
    }

    enum Effect {
        NONE,
        /** env -S: the value's words replace the option and are parsed as arguments. */
        SPLIT_STRING,
        /** The wrapper acts on existing processes (taskset -p, ionice -p): whatever follows is not a command. */
        TARGETS_PROCESSES,
        /** The value becomes the payload's argv[0] while the program stays the one named. */
        SETS_ARGV0
    }

    enum Assignments {
        NONE,
        /** env: after the options, NAME=VALUE words up to the command. */
        BEFORE_COMMAND,
        /** sudo: NAME=VALUE words may be interleaved with the options, but not follow "--". */
        AMONG_OPTIONS
    }

    enum LeadingOperand {
        NONE,
        /** timeout's DURATION, taskset's MASK: always one word before the command. */
        REQUIRED,
        /** chrt's PRIORITY: may be omitted for some policies, so only a number counts as one. */
        NUMERIC_IF_PRESENT
    }

    record Option(Arity arity, Effect effect) {
    }

    WrapperSpec {
        options = Map.copyOf(options);
    }

    /** A wrapper added by policy: its options are unknown, so every one of them is read both ways. */
    static WrapperSpec custom(String name) {
        return getopt(name, "", "").assignments(Assignments.BEFORE_COMMAND).build();
    }

    static Builder getopt(String name, String shortOptions, String longOptions) {
        return new Builder(name, Dialect.GETOPT).shortOptions(shortOptions).longOptions(longOptions);
    }

    static Builder rtld(String name, String longOptions) {
        return new Builder(name, Dialect.RTLD).longOptions(longOptions);
    }

    static Builder multicall(String name) {
        return new Builder(name, Dialect.MULTICALL);
    }

    /**
     * Resolves a long option the way getopt_long does: an exact name, or an unambiguous prefix of one. A prefix of
     * several options still resolves when they all read the same way, because the payload is then the same.
     *
     * @return the option's full name and its syntax, or null when unknown or ambiguous
     */
    Map.Entry<String, Option> longOption(String written) {
        Option exact = options.get(written);
        if (exact != null) {
            return Map.entry(written, exact);
        }
        if (dialect != Dialect.GETOPT || written.length() <= 2) {
            return null;
        }
        List<Map.Entry<String, Option>> candidates = options.entrySet().stream()
                .filter(entry -> entry.getKey().startsWith("--") && entry.getKey().startsWith(written))
                .sorted(Map.Entry.comparingByKey())
                .toList();
        boolean oneReading = !candidates.isEmpty()
                && candidates.stream().allMatch(entry -> entry.getValue().equals(candidates.getFirst().getValue()));
        return oneReading ? candidates.getFirst() : null;
    }

    static final class Builder {
        private final String name;
        private final Dialect dialect;
        private final Map<String, Option> options = new LinkedHashMap<>();
        private Assignments assignments = Assignments.NONE;
        private LeadingOperand leadingOperand = LeadingOperand.NONE;
        private boolean legacyNumericFlags;
        private boolean loneDashIsFlag;

        private Builder(String name, Dialect dialect) {
            this.name = name;
            this.dialect = dialect;
        }

        private Builder shortOptions(String optstring) {
            for (int i = 0; i < optstring.length(); ) {
                char letter = optstring.charAt(i++);
                int suffixEnd = i;
                while (suffixEnd < optstring.length() && isArgumentMark(optstring.charAt(suffixEnd))) {
                    suffixEnd++;
                }
                options.put("-" + letter, new Option(arity(optstring.substring(i, suffixEnd)), Effect.NONE));
                i = suffixEnd;
            }
            return this;
        }

        private Builder longOptions(String names) {
            Arrays.stream(names.split("\\s+")).filter(word -> !word.isEmpty()).forEach(word -> {
                int suffixStart = word.length();
                while (suffixStart > 0 && isArgumentMark(word.charAt(suffixStart - 1))) {
                    suffixStart--;
                }
                options.put("--" + word.substring(0, suffixStart),
                        new Option(arity(word.substring(suffixStart)), Effect.NONE));
            });
            return this;
        }

        Builder effect(Effect effect, String... optionNames) {
            for (String optionName : optionNames) {
                Option option = options.get(optionName);
                if (option == null) {
                    throw new IllegalArgumentException(name + " has no option " + optionName);
                }
                options.put(optionName, new Option(option.arity(), effect));
            }
            return this;
        }

        Builder assignments(Assignments assignments) {
            this.assignments = assignments;
            return this;
        }

        Builder leadingOperand(LeadingOperand leadingOperand) {
            this.leadingOperand = leadingOperand;
            return this;
        }

        Builder legacyNumericFlags() {
            this.legacyNumericFlags = true;
            return this;
        }

        Builder loneDashIsFlag() {
            this.loneDashIsFlag = true;
            return this;
        }

        WrapperSpec build() {
            return new WrapperSpec(name, dialect, options, assignments, leadingOperand, legacyNumericFlags,
                    loneDashIsFlag);
        }

        private static boolean isArgumentMark(char c) {
            return c == ':' || c == '?';
        }

        private static Arity arity(String marks) {
            return switch (marks) {
                case "" -> Arity.NONE;
                case ":" -> Arity.REQUIRED;
                case "::" -> Arity.OPTIONAL;
                case "?" -> Arity.EITHER;
                default -> throw new IllegalArgumentException("bad argument marks '" + marks + "'");
            };
        }
    }
}
