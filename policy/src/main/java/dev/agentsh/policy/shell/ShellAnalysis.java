package dev.agentsh.policy.shell;

import java.util.List;
import java.util.Objects;

/** What {@link ShellCommandAnalyzer} learned about one shell invocation. */
public sealed interface ShellAnalysis {

    /**
     * No {@code -c} script: an interactive shell, a script file, or commands from stdin. The caller
     * evaluates the shell alone.
     */
    record NoScript(String why) implements ShellAnalysis {
        public NoScript {
            Objects.requireNonNull(why, "why");
        }
    }

    /**
     * The script was fully understood. {@code commands} holds every simple command that would exec a
     * program, in source order, each as argv with quotes removed; builtins that exec nothing are
     * omitted. {@code notes} are human-readable steps for a trace.
     */
    record Script(String script, List<List<String>> commands, List<String> notes)
            implements ShellAnalysis {
        public Script {
            Objects.requireNonNull(script, "script");
            commands = commands.stream().<List<String>>map(List::copyOf).toList();
            notes = List.copyOf(notes);
        }
    }

    /** Which programs run cannot be told statically; {@code why} names the construct. */
    record Opaque(String script, String why) implements ShellAnalysis {
        public Opaque {
            Objects.requireNonNull(script, "script");
            Objects.requireNonNull(why, "why");
        }
    }

    /** A form meant to dodge analysis, such as an unknown shell option before {@code -c}. */
    record Bypass(String why) implements ShellAnalysis {
        public Bypass {
            Objects.requireNonNull(why, "why");
        }
    }
}
