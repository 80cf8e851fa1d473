package dev.agentsh.kernel.detect;

import java.util.Locale;

/** What a probe found. {@code NOT_RUN} is not a failure and not a success: nothing was verified. */
public enum ProbeStatus {
    AVAILABLE, UNAVAILABLE, NOT_RUN;

    /** {@code available}, {@code unavailable}, {@code not run}: the words detect prints. */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
