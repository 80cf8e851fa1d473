package dev.agentsh.policy.model;

import java.util.List;

/** Changes to the built-in list of wrapper commands that are unwrapped to find their payload. */
public record TransparentCommands(List<String> add, List<String> remove) {
    public static final TransparentCommands NONE = new TransparentCommands(List.of(), List.of());
}
