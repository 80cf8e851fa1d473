package dev.agentsh.policy.engine;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who a signal is sent to, as the sender's supervisor sees it.
 *
 * @param relations how the target relates to the sender, e.g. {@code children}; implied relations
 *     are added by {@link #of} (a child is also a descendant and in the session)
 * @param comm the target's command name (for {@code process} rules), may be empty
 * @param pid the target pid (for {@code pid_range} rules), 0 when unknown
 */
public record SignalTarget(Set<String> relations, String comm, int pid) {
    /** The relation types a rule's {@code target.type} may name, besides process and pid_range. */
    public static final List<String> RELATIONS =
            List.of("self", "children", "descendants", "siblings", "session", "parent", "external", "system", "user");

    private static final Map<String, List<String>> IMPLIES = Map.of(
            "children", List.of("descendants", "session"),
            "descendants", List.of("session"),
            "self", List.of("session"),
            "siblings", List.of("session"),
            "system", List.of("external"),
            "user", List.of("external"));

    public static SignalTarget of(Set<String> relations, String comm, int pid) {
        Set<String> all = new HashSet<>(relations);
        for (String r : relations) {
            all.addAll(IMPLIES.getOrDefault(r, List.of()));
        }
        return new SignalTarget(Set.copyOf(all), comm == null ? "" : comm, pid);
    }
}
