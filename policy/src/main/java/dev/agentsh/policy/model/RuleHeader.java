package dev.agentsh.policy.model;

import dev.agentsh.policy.Decision;
import java.time.Duration;

/**
 * What every rule has. {@code message} is a template; {@code timeout} (may be null) bounds how long
 * an approval may wait for this rule.
 */
public record RuleHeader(String name, String description, Decision decision, String message, Duration timeout, Mark mark) {
}
