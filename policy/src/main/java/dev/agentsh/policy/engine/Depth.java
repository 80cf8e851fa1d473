package dev.agentsh.policy.engine;

import java.util.function.IntSupplier;

/**
 * The execution depth of a check, found out only if a rule's {@code context} needs it: at execve time it comes
 * from the process tree, which costs a read of {@code /proc} that most decisions can do without.
 */
final class Depth {
    private final IntSupplier source;
    private final int offset;
    private boolean known;
    private int value;

    private Depth(IntSupplier source, int offset) {
        this.source = source;
        this.offset = offset;
    }

    static Depth of(int depth) {
        Depth d = new Depth(null, 0);
        d.known = true;
        d.value = depth;
        return d;
    }

    static Depth lazy(IntSupplier source) {
        return new Depth(source, 0);
    }

    /** This depth plus {@code levels} (a wrapper's payload, a script's command), as lazy as this one. */
    Depth plus(int levels) {
        return levels == 0 ? this : known ? of(value + levels) : new Depth(() -> value(), levels);
    }

    int value() {
        if (!known) {
            value = source.getAsInt() + offset;
            known = true;
        }
        return value;
    }

    /** The depth if something asked for it, else null. */
    Integer ifKnown() {
        return known ? value : null;
    }
}
