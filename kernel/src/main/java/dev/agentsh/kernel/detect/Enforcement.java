package dev.agentsh.kernel.detect;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What the running agentsh build (and its configuration) actually puts commands under. The detector scores only
 * these, so {@code detect} never reports protection that no code applies; the server passes the same value, so
 * the two agree.
 *
 * @param backends the kernel backends applied to every command
 * @param summary  one line for people: what enforces commands today, including checks that are not kernel
 *                 backends (the API pre-check)
 */
public record Enforcement(Set<Backend> backends, String summary) {
    public Enforcement {
        backends = backends.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(backends));
        Objects.requireNonNull(summary);
    }

    public boolean applies(Backend backend) {
        return !backend.needsAgentsh() || backends.contains(backend);
    }
}
