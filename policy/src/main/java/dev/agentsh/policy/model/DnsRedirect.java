package dev.agentsh.policy.model;

/** Answer DNS queries whose name matches {@code match} (RE2, unanchored) with {@code resolveTo}. */
public record DnsRedirect(String name, Text match, String resolveTo, String visibility, String onFailure, Mark mark) {
}
