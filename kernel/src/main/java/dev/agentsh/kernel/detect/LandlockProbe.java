package dev.agentsh.kernel.detect;

import dev.agentsh.kernel.KernelException;
import dev.agentsh.kernel.Landlock;

/**
 * Landlock for files: the ABI version from the kernel's version query, confirmed by creating a ruleset that
 * handles every right of that ABI (filesystem, network and scopes). The original instead guesses the ABI by
 * trying masks from v5 down, and never sees v6/v7.
 */
final class LandlockProbe implements Probe {
    @Override
    public String name() {
        return Probes.LANDLOCK;
    }

    @Override
    public ProbeResult run() {
        int abi;
        try {
            abi = Landlock.abiVersion();
        } catch (KernelException e) {
            return ProbeResult.unavailable(name(), e.getMessage()).with("landlock_abi", 0);
        }
        try {
            Landlock.createAndClose(Landlock.filesystemRights(abi), Landlock.networkRights(abi), Landlock.scopes(abi));
        } catch (KernelException e) {
            return ProbeResult.unavailable(name(), "kernel reports ABI v" + abi + " but refuses its full ruleset: "
                    + e.getMessage()).with("landlock_abi", abi);
        }
        return ProbeResult.available(name(), "ABI v" + abi).with("landlock_abi", abi);
    }
}
