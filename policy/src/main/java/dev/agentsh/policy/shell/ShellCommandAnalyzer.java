package dev.agentsh.policy.shell;

import java.util.List;

public final class ShellCommandAnalyzer {
    public static boolean isShell(String b) { return List.of("sh","bash","dash").contains(b); }
    public static ShellAnalysis analyze(List<String> argv) { return new ShellAnalysis.NoScript("stub"); }
}
