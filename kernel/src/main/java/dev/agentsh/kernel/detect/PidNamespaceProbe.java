package dev.agentsh.kernel.detect;

import dev.agentsh.kernel.ProcSelf;
import java.io.IOException;
import java.util.List;

/** Whether agentsh itself runs inside a PID namespace: the NSpid line of /proc/self/status has several levels. */
final class PidNamespaceProbe implements Probe {
    @Override
    public String name() {
        return Probes.PID_NAMESPACE;
    }

    @Override
    public ProbeResult run() throws IOException {
        return fromNamespacePids(ProcSelf.namespacePids());
    }

    static ProbeResult fromNamespacePids(List<Long> pids) {
        if (pids.size() > 1) {
            return ProbeResult.available(Probes.PID_NAMESPACE, (pids.size() - 1) + " level(s) deep, pid " + pids.getLast());
        }
        return ProbeResult.unavailable(Probes.PID_NAMESPACE, "agentsh runs in the host's PID namespace");
    }
}
