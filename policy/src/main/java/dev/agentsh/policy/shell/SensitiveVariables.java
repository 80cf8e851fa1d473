package dev.agentsh.policy.shell;

import java.util.Set;

/**
 * Variables whose value changes which program a command name resolves to, injects code into every
 * program (dynamic loader), or makes a shell run code from a file or prompt string. The analysis
 * strips assignments from commands, so assigning one of these would change what runs without the
 * caller seeing it.
 */
final class SensitiveVariables {

    private static final Set<String> NAMES = Set.of(
            // command lookup (zsh ties path and fpath to PATH and FPATH)
            "PATH", "path", "EXECIGNORE", "FPATH", "fpath", "BASH_CMDS", "BASH_ALIASES",
            // files and strings a shell runs as code
            "BASH_ENV", "ENV", "ZDOTDIR", "SHELLOPTS", "BASHOPTS",
            "PS0", "PS1", "PS2", "PS3", "PS4", "PROMPT_COMMAND",
            // shared objects the C library loads
            "GCONV_PATH");

    private SensitiveVariables() {}

    static boolean isSensitive(String name) {
        return NAMES.contains(name) || name.startsWith("LD_") || name.startsWith("DYLD_");
    }
}
