package dev.agentsh.policy.shell;

import java.util.List;

public sealed interface ShellAnalysis {
    record NoScript(String why) implements ShellAnalysis {}
    record Script(String script, List<List<String>> commands, List<String> notes) implements ShellAnalysis {}
    record Opaque(String script, String why) implements ShellAnalysis {}
    record Bypass(String why) implements ShellAnalysis {}
}
