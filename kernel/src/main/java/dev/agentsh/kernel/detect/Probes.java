package dev.agentsh.kernel.detect;

import java.util.List;

/** The probe names (the original's {@code capabilities} keys) and the standard set of Linux probes. */
public final class Probes {
    public static final String SECCOMP_BASIC = "seccomp_basic";
    public static final String SECCOMP_USER_NOTIFY_KERNEL = "seccomp_user_notify_kernel";
    /** Whether a user-notify filter can really be installed: the probe callers supply (see {@link #linux}). */
    public static final String SECCOMP_USER_NOTIFY = "seccomp_user_notify";
    public static final String LANDLOCK = "landlock";
    public static final String LANDLOCK_NETWORK = "landlock_network";
    public static final String FUSE = "fuse";
    public static final String PTRACE = "ptrace";
    public static final String EBPF = "ebpf";
    public static final String CGROUPS_V2 = "cgroups_v2";
    public static final String PID_NAMESPACE = "pid_namespace";
    public static final String CAPABILITIES_DROP = "capabilities_drop";
    public static final String NAMESPACES = "namespaces";

    private Probes() {
    }

    /**
     * Every Linux probe, with {@code seccompInstall} as the {@value #SECCOMP_USER_NOTIFY} probe: installing a
     * notify filter needs a child process that the seccomp supervisor provides, so it is plugged in from there.
     * Until it is, pass {@link Probe#notRun} and detect says "not run".
     */
    public static List<Probe> linux(Probe seccompInstall) {
        if (!seccompInstall.name().equals(SECCOMP_USER_NOTIFY)) {
            throw new IllegalArgumentException("the seccomp install probe must be named " + SECCOMP_USER_NOTIFY
                    + ", got " + seccompInstall.name());
        }
        return List.of(new SeccompBasicProbe(), new SeccompNotifyKernelProbe(), seccompInstall,
                new LandlockProbe(), new LandlockNetworkProbe(), new FuseProbe(), new PtraceProbe(), new EbpfProbe(),
                new CgroupsProbe(), new PidNamespaceProbe(), new CapabilityDropProbe(), new NamespacesProbe());
    }
}
