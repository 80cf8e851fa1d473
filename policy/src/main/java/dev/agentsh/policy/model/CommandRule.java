package dev.agentsh.policy.model;

import java.util.List;

/**
 * {@code commands} empty matches every command; {@code argsPatterns} empty matches any arguments.
 * The env fields override the policy's env_policy for commands this rule matches (null/empty = inherit).
 */
public record CommandRule(
        RuleHeader header,
        List<Text> commands,
        List<Text> argsPatterns,
        CommandRedirect redirectTo,
        DepthRange context,
        List<Text> envAllow,
        List<Text> envDeny,
        int envMaxBytes,
        int envMaxKeys,
        Boolean envBlockIteration) {
}
