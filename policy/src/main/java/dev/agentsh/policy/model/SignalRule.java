package dev.agentsh.policy.model;

import dev.agentsh.policy.Decision;
import java.util.List;

/**
 * {@code signals} are names (SIGTERM, TERM), numbers or groups (@fatal...). {@code fallback} (may be
 * null) is what to do where the platform cannot block; {@code redirectTo} is a signal for redirect rules.
 */
public record SignalRule(RuleHeader header, List<Text> signals, SignalTargetSpec target, Decision fallback, Text redirectTo) {
}
