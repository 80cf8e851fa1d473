package dev.agentsh.policy.model;

/**
 * The execution depths a command rule applies to: 0 is the command the session ran, 1 and more
 * are processes it spawned. {@code max} of -1 means unlimited.
 */
public record DepthRange(int min, int max) {
    public static final DepthRange ALL = new DepthRange(0, -1);
    public static final DepthRange DIRECT = new DepthRange(0, 0);
    public static final DepthRange NESTED = new DepthRange(1, -1);

    public boolean contains(int depth) {
        return depth >= min && (max < 0 || depth <= max);
    }

    @Override
    public String toString() {
        return max < 0 ? min + ".." : min + ".." + max;
    }
}
