package dev.agentsh.policy.exec;

import java.util.List;

/**
 * The result of peeling wrappers: {@code invocations.get(0)} is the original program, the rest are payloads found
 * inside wrappers, outermost first.
 *
 * <p>When a reading is ambiguous (an unknown option of a wrapper, or an option whose argument may or may not be
 * there), every plausible payload is included, deduplicated, so the caller can evaluate them all and take the most
 * restrictive decision.
 *
 * @param invocations the original program followed by the payloads, in non-decreasing layer order
 * @param notes       human-readable steps, e.g. "nice: option -n takes an argument (5)", "sudo: payload is wget"
 * @param complete    false when wrappers were nested deeper than {@link WrapperUnwrapper#MAX_LAYERS} or readings
 *                    were too many to explore: some payload may not be listed, which callers treat as suspicious
 */
public record Unwrapping(List<Invocation> invocations, List<String> notes, boolean complete) {

    public Unwrapping {
        invocations = List.copyOf(invocations);
        notes = List.copyOf(notes);
    }

    public boolean unwrapped() {
        return invocations.size() > 1;
    }
}
