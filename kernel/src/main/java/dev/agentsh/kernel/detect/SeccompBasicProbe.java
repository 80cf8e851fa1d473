package dev.agentsh.kernel.detect;

import dev.agentsh.kernel.KernelException;
import dev.agentsh.kernel.Seccomp;

/** seccomp filtering at all: the kernel knows SECCOMP_RET_KILL_PROCESS and lets this process ask. */
final class SeccompBasicProbe implements Probe {
    @Override
    public String name() {
        return Probes.SECCOMP_BASIC;
    }

    @Override
    public ProbeResult run() {
        try {
            Seccomp.requireAction(Seccomp.RET_KILL_PROCESS);
            return ProbeResult.available(name(), "filter mode");
        } catch (KernelException e) {
            return ProbeResult.unavailable(name(), e.getMessage());
        }
    }
}
