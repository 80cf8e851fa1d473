package dev.agentsh.policy;

import java.util.Locale;
import java.util.Optional;

/** What a rule says should happen to an operation. */
public enum Decision {
    ALLOW,
    DENY,
    /** A human must say yes; with approvals off it is a "shadow allow" that is recorded as such. */
    APPROVE,
    /** Steer to a substitute command, path or signal. */
    REDIRECT,
    /** Allow and record. */
    AUDIT,
    /** Allow a delete, but move the file to the trash instead of destroying it. */
    SOFT_DELETE,
    /** Signals only: report success to the sender but do not deliver. */
    ABSORB;

    /** The name used in YAML and JSON. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Decision> fromWireName(String text) {
        for (Decision d : values()) {
            if (d.wireName().equals(text)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName();
    }
}
