package dev.agentsh.policy.model;

import java.util.List;
import java.util.Set;

/** Paths are globs with '/' separators; abstract sockets are written {@code @name}. */
public record UnixSocketRule(RuleHeader header, List<Text> paths, Set<String> operations) {
}
