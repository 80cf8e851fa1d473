package dev.agentsh.policy.shell;

/**
 * Raised anywhere inside the script analysis when a construct hides which programs would run. It
 * unwinds straight to {@link ShellCommandAnalyzer}, which turns it into {@link ShellAnalysis.Opaque}.
 */
final class OpaqueScriptException extends RuntimeException {

    OpaqueScriptException(String why) {
        // Control flow, not a failure: no stack trace needed.
        super(why, null, false, false);
    }

    String why() {
        return getMessage();
    }
}
