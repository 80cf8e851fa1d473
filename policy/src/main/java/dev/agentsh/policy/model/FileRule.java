package dev.agentsh.policy.model;

import java.util.List;
import java.util.Set;

/** {@code operations} empty means every operation. {@code redirectTo} is set only for redirect rules. */
public record FileRule(RuleHeader header, List<Text> paths, Set<String> operations, Text redirectTo, boolean preserveTree) {
}
