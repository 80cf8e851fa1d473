package dev.agentsh.policy.shell;

import java.util.HashSet;
import java.util.Set;

/**
 * What differs between the shells in scope, as far as finding the programs a script runs goes.
 *
 * <p>{@code sh} may be dash, bash, busybox ash or mksh, so {@link #POSIX} only grants what all of
 * them share: a word that is a builtin in one of them but a program in another is reported as a
 * program and also checked as a builtin, so that either reading is covered.
 */
enum ShellDialect {
    BASH("abefhiklmnprstuvxBCDEHPT", "oO", true, true, true, true, Builtins.BASH),
    ZSH("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZadefghijklmnpqrstuvwxyz", "o", true, true, true, false, Builtins.ZSH),
    KSH("abefhiklmnprstuvxBCEHPT", "o", true, false, true, true, Builtins.KSH),
    MKSH("abCefhiklmnprsUuvXx", "oT", true, true, false, false, Builtins.POSIX),
    /** T is left out of the flags because mksh, which may be sh, reads an argument after it. */
    POSIX("abefhiklmnprstuvxBCEHP", "o", false, false, false, false, Builtins.POSIX);

    /** Single-letter invocation options that take no argument. */
    final String flags;
    /** Invocation option letters that take the next word (zsh also accepts it attached: -oerrexit). */
    final String lettersWithArgument;
    /** time is a reserved word timing the pipeline after it; in dash it is the program /usr/bin/time. */
    final boolean timeIsReserved;
    /** &> redirects both outputs; elsewhere it is & (background) followed by >. */
    final boolean ampersandRedirects;
    /** exec takes -a NAME, -c and -l; dash would try to run a program named "-a". */
    final boolean execTakesOptions;
    /** "10>f" redirects descriptor 10; dash reads the word "10" and then ">f". */
    final boolean multiDigitDescriptors;
    private final Set<String> builtins;

    ShellDialect(String flags, String lettersWithArgument, boolean timeIsReserved, boolean ampersandRedirects,
            boolean execTakesOptions, boolean multiDigitDescriptors, Set<String> builtins) {
        this.flags = flags;
        this.lettersWithArgument = lettersWithArgument;
        this.timeIsReserved = timeIsReserved;
        this.ampersandRedirects = ampersandRedirects;
        this.execTakesOptions = execTakesOptions;
        this.multiDigitDescriptors = multiDigitDescriptors;
        this.builtins = builtins;
    }

    static ShellDialect of(String shellName) {
        return switch (shellName) {
            case "bash" -> BASH;
            case "zsh" -> ZSH;
            case "ksh" -> KSH;
            case "mksh" -> MKSH;
            default -> POSIX;
        };
    }

    /** Whether the name certainly runs a builtin, never a program, in this shell. */
    boolean isBuiltin(String name) {
        return builtins.contains(name);
    }

    static boolean isBuiltinInAnyShell(String name) {
        for (ShellDialect dialect : values()) {
            if (dialect.isBuiltin(name)) {
                return true;
            }
        }
        return false;
    }

    /** zsh's precommand modifiers noglob, nocorrect and "-" only change how the next command runs. */
    boolean isPrecommandModifier(String name) {
        return this == ZSH && (name.equals("noglob") || name.equals("nocorrect") || name.equals("-"));
    }

    /**
     * Per shell, the names that are certainly builtins: those that run no program themselves (risky
     * arguments aside), and {@code builtin} where it exists.
     */
    private static final class Builtins {
        /** Shared by dash, bash, busybox ash, mksh, ksh93 and zsh. */
        static final Set<String> COMMON = Set.of(
                ":", "true", "false", "echo", "printf", "pwd", "cd", "test", "[", "export", "set", "unset",
                "read", "shift", "return", "exit", "wait", "trap", "umask", "ulimit", "alias", "unalias",
                "type", "hash", "getopts", "readonly", "jobs", "fg", "bg", "times", "kill", "break", "continue");
        static final Set<String> POSIX = union(COMMON, Set.of("local"));
        static final Set<String> KSH = union(COMMON, Set.of("typeset", "builtin"));
        static final Set<String> BASH = union(POSIX, Set.of(
                "declare", "typeset", "shopt", "enable", "help", "history", "dirs", "pushd", "popd",
                "disown", "suspend", "logout", "caller", "builtin"));
        static final Set<String> ZSH = union(POSIX, Set.of(
                "declare", "typeset", "enable", "history", "dirs", "pushd", "popd", "disown", "suspend",
                "logout", "builtin"));

        private static Set<String> union(Set<String> base, Set<String> more) {
            Set<String> all = new HashSet<>(base);
            all.addAll(more);
            return Set.copyOf(all);
        }
    }
}
