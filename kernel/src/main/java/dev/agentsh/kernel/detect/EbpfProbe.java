package dev.agentsh.kernel.detect;

import dev.agentsh.kernel.Bpf;
import dev.agentsh.kernel.KernelException;
import dev.agentsh.kernel.ProcSelf;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * eBPF for network hooks: a canary cgroup connect4 program loads (proof of CAP_BPF/CAP_SYS_ADMIN, the program
 * type and an unblocked bpf(2)), and there is a cgroup2 tree to attach it to. Unlike the original, the cgroup2
 * tree need not be at /sys/fs/cgroup: a hybrid host's /sys/fs/cgroup/unified works for attaching.
 */
final class EbpfProbe implements Probe {
    @Override
    public String name() {
        return Probes.EBPF;
    }

    @Override
    public ProbeResult run() throws IOException {
        try {
            Bpf.loadCanary();
        } catch (KernelException e) {
            return ProbeResult.unavailable(name(), e.getMessage());
        }
        List<Path> mounts = ProcSelf.cgroup2Mounts();
        if (mounts.isEmpty()) {
            return ProbeResult.unavailable(name(), "programs load, but no cgroup2 filesystem is mounted to attach them to");
        }
        return ProbeResult.available(name(), "cgroup2 at " + mounts.getFirst()).with("ebpf_attach_cgroup", mounts.getFirst().toString());
    }
}
