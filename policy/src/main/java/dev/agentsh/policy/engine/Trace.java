package dev.agentsh.policy.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The human-readable steps of one evaluation: which rules were tried and why each did or did not
 * match. Checks on the hot path pass {@link #OFF}, which records nothing and costs nothing; callers
 * test {@link #on()} before building a step's text.
 */
public final class Trace {
    public static final Trace OFF = new Trace(false);

    private final boolean on;
    private final List<String> steps = new ArrayList<>();

    private Trace(boolean on) {
        this.on = on;
    }

    public static Trace recording() {
        return new Trace(true);
    }

    public boolean on() {
        return on;
    }

    public void add(String step) {
        if (on) {
            steps.add(step);
        }
    }

    public List<String> steps() {
        return List.copyOf(steps);
    }
}
