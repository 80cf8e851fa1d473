package dev.agentsh.policy.shell;

import dev.agentsh.policy.shell.ShellAnalysis.Opaque;
import dev.agentsh.policy.shell.ShellAnalysis.Script;
import java.util.ArrayList;
import java.util.List;

/**
 * Statically finds the programs a shell invocation such as {@code bash -lc "FOO=1 nice curl x | sh"}
 * would run, so that a policy can judge each of them.
 *
 * <p>The analysis is conservative: whenever it cannot be sure which programs run, the answer is
 * {@link Opaque}, never a shorter list. It is not an interpreter; it follows quoting, command lists,
 * pipelines, if/while/until, groups and subshells, and rejects everything whose effect depends on
 * run-time values (command substitution, variables in command position, eval, ...).
 */
public final class ShellCommandAnalyzer {

    private ShellCommandAnalyzer() {}

    /**
     * Whether the program is one of sh bash dash ash mksh ksh zsh, ignoring case, a directory, the
     * leading '-' of a login shell's argv[0] and a trailing ".real".
     */
    public static boolean isShell(String programBasename) {
        return programBasename != null && ShellInvocation.isShell(programBasename);
    }

    /**
     * Analyses a shell invocation. argv[0] is the shell as invoked (path or name). Never throws: any
     * input yields some {@link ShellAnalysis}.
     */
    public static ShellAnalysis analyze(List<String> argv) {
        return switch (ShellInvocation.parse(argv)) {
            case ShellInvocation.Result.Decided decided -> decided.analysis();
            case ShellInvocation.Result.WithScript withScript ->
                    analyzeScript(withScript.script(), withScript.dialect(), withScript.notes());
        };
    }

    private static ShellAnalysis analyzeScript(String script, ShellDialect dialect, List<String> invocationNotes) {
        List<String> notes = new ArrayList<>(invocationNotes);
        try {
            CommandResolver resolver = new CommandResolver(dialect, notes);
            List<List<String>> commands = new ArrayList<>();
            for (SimpleCommand command : ScriptParser.parse(ShellTokenizer.tokenize(script), dialect)) {
                resolver.resolve(command).ifPresent(commands::add);
            }
            if (commands.isEmpty()) {
                notes.add("the script runs no program");
            }
            return new Script(script, commands, notes);
        } catch (OpaqueScriptException e) {
            return new Opaque(script, e.why());
        } catch (RuntimeException e) {
            // This is a security check: a defect in it must still yield the cautious answer.
            return new Opaque(script, "analysis failed: " + e);
        }
    }
}
