package dev.agentsh.policy.shell;

import dev.agentsh.policy.shell.ShellAnalysis.Bypass;
import dev.agentsh.policy.shell.ShellAnalysis.NoScript;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a shell's own command-line options the way the shell would, to find the {@code -c} script.
 * Option letters differ between shells, and a letter that takes an argument in one shell but not in
 * another could hide where the script is, so each shell is read with its own {@link ShellDialect}
 * table and anything unknown is treated as an attempt to dodge the analysis.
 */
final class ShellInvocation {

    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "ash", "mksh", "ksh", "zsh");

    private static final Set<String> BASH_LONG_OPTIONS = Set.of(
            "--login", "--noprofile", "--norc", "--posix", "--restricted", "--verbose", "--noediting",
            "--debug", "--debugger", "--dump-strings", "--dump-po-strings", "--help", "--version",
            "--pretty-print");

    private static final Set<String> BASH_LONG_OPTIONS_WITH_ARGUMENT = Set.of("--rcfile", "--init-file");

    /** zsh accepts any option name GNU-style (--sh-word-split); only --emulate takes an argument. */
    private static final String ZSH_LONG_OPTION = "--[A-Za-z0-9][A-Za-z0-9_-]*";

    /** Outcome: either the script to analyse, or a final answer. */
    sealed interface Result {
        record WithScript(String script, ShellDialect dialect, List<String> notes) implements Result {}

        record Decided(ShellAnalysis analysis) implements Result {}
    }

    private final List<String> argv;
    private final ShellDialect dialect;
    private final List<String> notes = new ArrayList<>();
    private int next = 1;
    private boolean commandMode;
    private boolean readsStdin;
    /** The first thing that makes the option parsing uncertain, or null. */
    private String problem;

    private ShellInvocation(List<String> argv, ShellDialect dialect) {
        this.argv = argv;
        this.dialect = dialect;
    }

    /** The shell name without directory, login dash, case or a Debian-style ".real" suffix. */
    static String shellName(String program) {
        String name = program.substring(program.lastIndexOf('/') + 1);
        if (name.startsWith("-")) {
            name = name.substring(1);
        }
        name = name.toLowerCase(Locale.ROOT);
        return name.endsWith(".real") ? name.substring(0, name.length() - ".real".length()) : name;
    }

    static boolean isShell(String program) {
        return SHELLS.contains(shellName(program));
    }

    static Result parse(List<String> argv) {
        if (argv == null || argv.isEmpty()) {
            return new Result.Decided(new Bypass("empty argv"));
        }
        if (argv.stream().anyMatch(Objects::isNull)) {
            return new Result.Decided(new Bypass("argv contains a null argument"));
        }
        String shell = shellName(argv.getFirst());
        ShellInvocation invocation = new ShellInvocation(List.copyOf(argv), ShellDialect.of(shell));
        return invocation.parseOptions(shell);
    }

    private Result parseOptions(String shell) {
        while (next < argv.size()) {
            String arg = argv.get(next);
            if (arg.equals("--") || arg.equals("-")) {
                next++;
                break;
            } else if (arg.startsWith("--")) {
                readLongOption(arg);
            } else if (arg.length() > 1 && (arg.startsWith("-") || arg.startsWith("+"))) {
                readOptionCluster(arg);
            } else {
                break;
            }
        }
        List<String> options = argv.subList(1, next);
        notes.add("shell " + shell
                + (options.isEmpty() ? " without options" : " with options " + String.join(" ", options)));
        return decide();
    }

    private Result decide() {
        if (problem != null) {
            // Option parsing went off the rails: a -c anywhere from here on may be the real one.
            boolean mayHaveScript = commandMode
                    || argv.subList(next, argv.size()).stream().anyMatch(ShellInvocation::looksLikeCommandOption);
            return new Result.Decided(
                    mayHaveScript ? new Bypass(problem) : new NoScript("no -c option (" + problem + ")"));
        }
        if (commandMode) {
            if (next >= argv.size()) {
                return new Result.Decided(new Bypass("-c without a script"));
            }
            notes.add("script is argument " + next + "; later arguments only set $0, $1, ...");
            return new Result.WithScript(argv.get(next), dialect, notes);
        }
        if (readsStdin) {
            return new Result.Decided(new NoScript("no -c option: reads commands from stdin (-s)"));
        }
        return new Result.Decided(new NoScript(next < argv.size()
                ? "no -c option: runs script file " + argv.get(next)
                : "no -c option: interactive shell or commands from stdin"));
    }

    private static boolean looksLikeCommandOption(String arg) {
        boolean cluster = arg.length() > 1 && (arg.charAt(0) == '-' || arg.charAt(0) == '+') && arg.charAt(1) != '-';
        return cluster && arg.indexOf('c') > 0;
    }

    private void readLongOption(String option) {
        next++;
        if (dialect == ShellDialect.ZSH) {
            if (option.equals("--emulate")) {
                skipOptionArgument(option);
            } else if (!option.matches(ZSH_LONG_OPTION)) {
                reportProblem("unknown option " + option);
            }
        } else if (BASH_LONG_OPTIONS_WITH_ARGUMENT.contains(option)) {
            skipOptionArgument(option);
        } else if (!BASH_LONG_OPTIONS.contains(option)) {
            reportProblem("unknown option " + option);
        }
    }

    private void readOptionCluster(String cluster) {
        next++;
        for (int i = 1; i < cluster.length(); i++) {
            char letter = cluster.charAt(i);
            if (letter == 'c') {
                commandMode = true; // bash and dash both treat +c like -c
            } else if (letter == 's') {
                readsStdin = true;
            } else if (dialect.lettersWithArgument.indexOf(letter) >= 0) {
                if (i == cluster.length() - 1) {
                    skipOptionArgument(cluster.charAt(0) + String.valueOf(letter));
                } else if (dialect == ShellDialect.ZSH) {
                    return; // the rest of the cluster is the option name: -oerrexit
                } else {
                    // bash takes the next word, dash rejects the cluster: too fragile to follow.
                    reportProblem("option " + cluster.charAt(0) + letter + " inside the option cluster " + cluster);
                }
            } else if (dialect.flags.indexOf(letter) < 0) {
                reportProblem("unknown option " + cluster.charAt(0) + letter);
            }
        }
    }

    private void skipOptionArgument(String option) {
        if (next >= argv.size()) {
            reportProblem("option " + option + " without an argument");
        } else {
            next++;
        }
    }

    private void reportProblem(String description) {
        if (problem == null) {
            problem = description;
        }
    }
}
