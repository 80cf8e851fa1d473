package dev.agentsh.kernel.detect;

import dev.agentsh.kernel.KernelException;
import dev.agentsh.kernel.Landlock;

/** Landlock TCP bind/connect rules (ABI 4, Linux 6.7): a ruleset handling only the network rights is created. */
final class LandlockNetworkProbe implements Probe {
    @Override
    public String name() {
        return Probes.LANDLOCK_NETWORK;
    }

    @Override
    public ProbeResult run() {
        int abi;
        try {
            abi = Landlock.abiVersion();
        } catch (KernelException e) {
            return ProbeResult.unavailable(name(), e.getMessage());
        }
        long network = Landlock.networkRights(abi);
        if (network == 0) {
            return ProbeResult.unavailable(name(), "Landlock ABI v" + abi + " has no network rights (needs v4, Linux 6.7)");
        }
        try {
            Landlock.createAndClose(0, network, 0);
            return ProbeResult.available(name(), "TCP bind, connect");
        } catch (KernelException e) {
            return ProbeResult.unavailable(name(), e.getMessage());
        }
    }
}
