package dev.agentsh.kernel.detect;

import dev.agentsh.kernel.Capabilities;
import dev.agentsh.kernel.KernelException;
import java.io.IOException;

/**
 * Whether agentsh runs with fewer than all capabilities: a capability missing from its permitted or its bounding
 * set counts as dropped. The effective set is ignored, as in the original: a process can raise it again from
 * the permitted set.
 */
final class CapabilityDropProbe implements Probe {
    @Override
    public String name() {
        return Probes.CAPABILITIES_DROP;
    }

    @Override
    public ProbeResult run() throws KernelException, IOException {
        return fromCapabilities(Capabilities.ofThisProcess());
    }

    static ProbeResult fromCapabilities(Capabilities caps) {
        long full = caps.fullSet();
        int dropped = Long.bitCount(full & ~(caps.permitted() & caps.bounding()));
        String count = dropped + "/" + Long.bitCount(full) + " caps dropped";
        return dropped > 0
                ? ProbeResult.available(Probes.CAPABILITIES_DROP, count)
                : ProbeResult.unavailable(Probes.CAPABILITIES_DROP, count);
    }
}
