package dev.agentsh.policy.model;

import java.util.List;
import java.util.Set;

/** Every selector that is present must hold; a rule with none matches every connection. */
public record NetworkRule(RuleHeader header, List<Text> domains, Set<Integer> ports, List<Text> cidrs) {
}
