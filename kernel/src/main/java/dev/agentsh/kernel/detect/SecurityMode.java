package dev.agentsh.kernel.detect;

import java.util.Locale;
import java.util.function.Predicate;

/** The original's security modes, and its rule for choosing one. */
public enum SecurityMode {
    FULL, PTRACE, LANDLOCK, LANDLOCK_ONLY, MINIMAL;

    /** {@code landlock-only} is the one word spelled with a hyphen. */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The first mode whose backends are all usable: full (seccomp user-notify installable, eBPF, FUSE), ptrace,
     * landlock (Landlock and FUSE), landlock-only, else minimal.
     *
     * <p>ptrace is chosen only when {@code usable} includes it. The original never picks ptrace on its own (it
     * needs {@code sandbox.ptrace.enabled}), so for "what could this host do" callers leave ptrace out, and for
     * "what runs" it is usable only when the server is configured for it.
     */
    public static SecurityMode select(Predicate<Backend> usable) {
        if (usable.test(Backend.SECCOMP_EXECVE) && usable.test(Backend.EBPF) && usable.test(Backend.FUSE)) {
            return FULL;
        }
        if (usable.test(Backend.PTRACE)) {
            return PTRACE;
        }
        if (usable.test(Backend.LANDLOCK) && usable.test(Backend.FUSE)) {
            return LANDLOCK;
        }
        if (usable.test(Backend.LANDLOCK)) {
            return LANDLOCK_ONLY;
        }
        return MINIMAL;
    }
}
