package dev.agentsh.policy.shell;

import dev.agentsh.policy.shell.Token.Word;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which program, if any, one simple command runs: strips leading assignments and the
 * builtins that only pass control on ({@code exec}, {@code command}, {@code builtin}), drops
 * builtins that run nothing, and rejects builtins that run shell code given as data.
 */
final class CommandResolver {

    /** Builtins that run shell code taken from their arguments, a file or a variable's value. */
    private static final Map<String, String> CODE_RUNNING_BUILTINS = Map.ofEntries(
            Map.entry("eval", "eval"),
            Map.entry("source", "source runs a script file"),
            Map.entry(".", ". runs a script file"),
            Map.entry("let", "let evaluates arithmetic, which can run commands through array subscripts"),
            Map.entry("compgen", "compgen can run commands (-C, -F, -W)"),
            Map.entry("complete", "complete can run commands (-C, -F)"),
            Map.entry("mapfile", "mapfile -C runs a callback"),
            Map.entry("readarray", "readarray -C runs a callback"),
            Map.entry("fc", "fc re-runs commands from history"),
            Map.entry("bind", "bind -x binds shell commands"),
            Map.entry("emulate", "zsh emulate -c evaluates code"),
            Map.entry("sched", "zsh sched runs commands later"),
            Map.entry("zpty", "zsh zpty runs a command"),
            Map.entry("zmodload", "zsh zmodload loads code"),
            Map.entry("autoload", "autoload loads functions from files"),
            Map.entry("disable", "zsh disable makes a builtin name run a program instead"),
            Map.entry("integer", "ksh integer evaluates arithmetic"),
            Map.entry("float", "ksh float evaluates arithmetic"),
            Map.entry("nameref", "ksh nameref makes a name refer to another variable"));

    /** Builtins that, like exec, only pass control to the command after them. */
    private static final Set<String> PRECOMMAND_BUILTINS = Set.of("exec", "command", "builtin");

    private final ShellDialect dialect;
    private final List<String> notes;

    /** @param notes receives one line per step, for the trace */
    CommandResolver(ShellDialect dialect, List<String> notes) {
        this.dialect = dialect;
        this.notes = notes;
    }

    /**
     * @return the argv of the program the command runs, or empty if it runs none
     * @throws OpaqueScriptException if which program runs cannot be known
     */
    Optional<List<String>> resolve(SimpleCommand command) {
        if (!command.redirections().isEmpty()) {
            notes.add("removed redirection " + String.join(" ", command.redirections()));
        }
        List<Word> words = command.words();
        int first = 0;
        while (first < words.size() && words.get(first).isAssignment()) {
            stripAssignment(words.get(first++));
        }
        if (first == words.size()) {
            notes.add("no program: only assignments or redirections");
            return Optional.empty();
        }
        return resolveCommandWords(words.subList(first, words.size()));
    }

    private void stripAssignment(Word assignment) {
        String name = assignment.assignedName();
        if (SensitiveVariables.isSensitive(name)) {
            throw new OpaqueScriptException("assignment to " + name + ", which changes what programs run");
        }
        notes.add("stripped assignment " + assignment.raw());
    }

    private Optional<List<String>> resolveCommandWords(List<Word> words) {
        boolean mustBeBuiltin = false;
        while (!words.isEmpty()) {
            Word head = words.getFirst();
            requireLiteralCommandWord(head);
            String name = head.text();
            List<Word> args = words.subList(1, words.size());
            if (name.equals("exec")) {
                return execTarget(stripExecOptions(args));
            } else if (name.equals("command")) {
                Optional<List<Word>> target = commandTarget(args);
                if (target.isEmpty()) {
                    return Optional.empty();
                }
                words = target.get();
                mustBeBuiltin = false;
            } else if (name.equals("builtin")) {
                if (!dialect.isBuiltin(name)) {
                    throw new OpaqueScriptException("builtin is a program, not a builtin, in some shells this may be");
                }
                notes.add("stripped builtin");
                words = args;
                mustBeBuiltin = true;
            } else if (dialect.isPrecommandModifier(name)) {
                notes.add("stripped precommand modifier " + name);
                words = args;
            } else {
                return resolveCommandName(name, words, mustBeBuiltin);
            }
        }
        notes.add("no program: nothing follows the builtin");
        return Optional.empty();
    }

    /**
     * exec replaces the shell with a program found on PATH, even when a builtin has the same name:
     * "exec command wc" runs a program called command. zsh's precommand modifiers may still apply
     * after exec, so there the two readings differ.
     */
    private Optional<List<String>> execTarget(List<Word> words) {
        if (words.isEmpty()) {
            notes.add("no program: exec without a command only applies its redirections");
            return Optional.empty();
        }
        Word head = words.getFirst();
        requireLiteralCommandWord(head);
        String name = head.text();
        if (dialect == ShellDialect.ZSH && (dialect.isPrecommandModifier(name) || PRECOMMAND_BUILTINS.contains(name))) {
            throw new OpaqueScriptException("exec " + name + ": zsh may treat " + name + " as a precommand modifier");
        }
        return programArgv(words);
    }

    private Optional<List<String>> resolveCommandName(String name, List<Word> words, boolean mustBeBuiltin) {
        String codeRunning = CODE_RUNNING_BUILTINS.get(name);
        if (codeRunning != null) {
            throw new OpaqueScriptException(codeRunning);
        }
        if (ShellDialect.isBuiltinInAnyShell(name)) {
            // Checked even where the name may be a program, since the shell may be one where it is not.
            BuiltinArguments.check(name, words.subList(1, words.size()));
            if (dialect.isBuiltin(name)) {
                notes.add("builtin " + name + " runs no program");
                return Optional.empty();
            }
            notes.add(name + " is a builtin only in some shells this may be: kept as a program");
        }
        if (mustBeBuiltin) {
            throw new OpaqueScriptException("builtin " + name + ": not a builtin this analysis knows");
        }
        return programArgv(words);
    }

    private Optional<List<String>> programArgv(List<Word> words) {
        List<String> argv = words.stream().map(Word::text).toList();
        notes.add("runs " + String.join(" ", argv));
        return Optional.of(argv);
    }

    private static void requireLiteralCommandWord(Word word) {
        if (!word.isLiteral()) {
            throw new OpaqueScriptException(word.expansion() + " in command position: " + word.raw());
        }
        if (word.raw().startsWith("=")) {
            throw new OpaqueScriptException("zsh =command expansion in command position: " + word.raw());
        }
    }

    /** exec [-cl] [-a NAME] [--] COMMAND...: returns the words from COMMAND on. */
    private List<Word> stripExecOptions(List<Word> args) {
        int i = 0;
        while (i < args.size() && isOptionCluster(args.get(i))) {
            String option = args.get(i++).text();
            if (!dialect.execTakesOptions) {
                throw new OpaqueScriptException("exec " + option + ": an option in bash, a program name in dash");
            }
            if (option.equals("--")) {
                break;
            }
            for (int j = 1; j < option.length(); j++) {
                char letter = option.charAt(j);
                if (letter == 'a') {
                    if (j == option.length() - 1) {
                        if (i == args.size()) {
                            throw new OpaqueScriptException("exec -a without a name");
                        }
                        i++; // the name becomes argv[0]; the program is still the command word
                    }
                    break;
                }
                if (letter != 'c' && letter != 'l') {
                    throw new OpaqueScriptException("exec: unknown option -" + letter);
                }
            }
        }
        notes.add(("stripped exec " + String.join(" ", args.subList(0, i).stream().map(Word::raw).toList())).strip());
        return args.subList(i, args.size());
    }

    /**
     * command [-pvV] [--] COMMAND...: -v and -V only look the name up. Returns the words from COMMAND
     * on, or empty when nothing runs.
     */
    private Optional<List<Word>> commandTarget(List<Word> args) {
        int i = 0;
        boolean looksUp = false;
        while (i < args.size() && isOptionCluster(args.get(i))) {
            String option = args.get(i++).text();
            if (option.equals("--")) {
                break;
            }
            for (char letter : option.substring(1).toCharArray()) {
                switch (letter) {
                    case 'p' -> {
                        // -p searches a default PATH; the command is the same.
                    }
                    case 'v', 'V' -> looksUp = true;
                    default -> throw new OpaqueScriptException("command: unknown option -" + letter);
                }
            }
        }
        if (looksUp) {
            notes.add("command -v/-V only looks the name up");
            return Optional.empty();
        }
        notes.add("stripped command");
        return Optional.of(args.subList(i, args.size()));
    }

    /** A literal "-..." word; a dynamic word ends option parsing and is then rejected as the command. */
    private static boolean isOptionCluster(Word word) {
        return word.isLiteral() && word.text().length() > 1 && word.text().startsWith("-");
    }
}
