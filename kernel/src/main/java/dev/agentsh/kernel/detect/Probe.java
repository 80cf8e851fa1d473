package dev.agentsh.kernel.detect;

/**
 * One behavioural check of a kernel feature: it tries the real thing (create a ruleset, load a program, seize a
 * process) rather than reading version numbers or capability bits.
 *
 * <p>A probe must not change the host: whatever it creates it closes, kills or removes before returning. It
 * reports failures as {@link ProbeStatus#UNAVAILABLE} with the reason; an exception it throws is turned into
 * that by the {@link Detector}.
 */
public interface Probe {
    /** The key of this probe's result, as in detect's {@code capabilities} map ({@code landlock}, {@code ebpf}). */
    String name();

    ProbeResult run() throws Exception;

    /** A stand-in for a probe this build does not have yet: reports {@code not run}, never {@code available}. */
    static Probe notRun(String name, String reason) {
        return new Probe() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ProbeResult run() {
                return ProbeResult.notRun(name, reason);
            }
        };
    }
}
