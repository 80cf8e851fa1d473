package dev.agentsh.policy.model;

/** What the audit log records for this policy. */
public record AuditSettings(
        boolean logAllowed,
        boolean logDenied,
        boolean logApproved,
        boolean includeStdout,
        boolean includeStderr,
        boolean includeFileContent,
        int retentionDays) {
    public static final AuditSettings DEFAULT = new AuditSettings(true, true, true, false, false, false, 0);
}
