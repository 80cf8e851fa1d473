package dev.agentsh.policy.shell;

import dev.agentsh.policy.shell.Token.Word;
import java.util.List;

/**
 * One simple command as parsed: its words (leading assignments included) and, separately, the
 * redirections that were removed from it.
 */
record SimpleCommand(List<Word> words, List<String> redirections) {

    SimpleCommand {
        words = List.copyOf(words);
        redirections = List.copyOf(redirections);
    }
}
