package dev.agentsh.kernel.detect;

import java.util.Arrays;
import java.util.List;

/**
 * A mechanism that protects one domain, with the probe that says whether the host has it. Within a domain the
 * constants are in the order of preference for the active backend (landlock before fuse, as in the original).
 */
public enum Backend {
    LANDLOCK("landlock", Domain.FILE_PROTECTION, Probes.LANDLOCK, "kernel path restrictions", "syscall", true),
    FUSE("fuse", Domain.FILE_PROTECTION, Probes.FUSE, "file interception, soft-delete, redirect", "probe", true),
    SECCOMP_NOTIFY("seccomp-notify", Domain.FILE_PROTECTION, Probes.SECCOMP_USER_NOTIFY, "openat/stat enforcement", "probe", true),
    SECCOMP_EXECVE("seccomp-execve", Domain.COMMAND_CONTROL, Probes.SECCOMP_USER_NOTIFY, "execve interception", "probe", true),
    PTRACE("ptrace", Domain.COMMAND_CONTROL, Probes.PTRACE, "syscall tracing", "probe", true),
    EBPF("ebpf", Domain.NETWORK, Probes.EBPF, "network monitoring", "probe", true),
    LANDLOCK_NETWORK("landlock-network", Domain.NETWORK, Probes.LANDLOCK_NETWORK, "TCP bind/connect filtering", "syscall", true),
    CGROUPS_V2("cgroups-v2", Domain.RESOURCE_LIMITS, Probes.CGROUPS_V2, "CPU/memory/process limits", "probe", true),
    PID_NAMESPACE("pid-namespace", Domain.ISOLATION, Probes.PID_NAMESPACE, "process isolation", "probe", false),
    CAPABILITY_DROP("capability-drop", Domain.ISOLATION, Probes.CAPABILITIES_DROP, "privilege reduction", "probe", false);

    private final String id;
    private final Domain domain;
    private final String probe;
    private final String description;
    private final String checkMethod;
    private final boolean needsAgentsh;

    Backend(String id, Domain domain, String probe, String description, String checkMethod, boolean needsAgentsh) {
        this.id = id;
        this.domain = domain;
        this.probe = probe;
        this.description = description;
        this.checkMethod = checkMethod;
        this.needsAgentsh = needsAgentsh;
    }

    /** The original's backend name ({@code seccomp-execve}). */
    public String id() {
        return id;
    }

    public Domain domain() {
        return domain;
    }

    /** The name of the probe whose result decides whether the host has this backend. */
    public String probe() {
        return probe;
    }

    public String description() {
        return description;
    }

    /** {@code syscall} or {@code probe}, as the original labels its checks. */
    public String checkMethod() {
        return checkMethod;
    }

    /**
     * Whether protection needs agentsh to apply this backend. The isolation backends do not: they describe how
     * agentsh itself was started (inside a PID namespace, with a reduced capability set), which holds for every
     * command it runs whether or not agentsh does anything.
     */
    public boolean needsAgentsh() {
        return needsAgentsh;
    }

    /** The backends of {@code domain}, most preferred first. */
    public static List<Backend> of(Domain domain) {
        return Arrays.stream(values()).filter(b -> b.domain == domain).toList();
    }
}
