package dev.agentsh.policy.model;

import java.util.List;

/** Which environment variables reach commands. Limits of 0 mean unlimited. */
public record EnvPolicy(List<Text> allow, List<Text> deny, int maxBytes, int maxKeys, boolean blockIteration) {
    public static final EnvPolicy EMPTY = new EnvPolicy(List.of(), List.of(), 0, 0, false);
}
