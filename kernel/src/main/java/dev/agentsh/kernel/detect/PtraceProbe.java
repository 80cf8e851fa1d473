package dev.agentsh.kernel.detect;

import dev.agentsh.kernel.KernelException;
import dev.agentsh.kernel.Ptrace;
import dev.agentsh.kernel.SpawnedChild;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ptrace: seize a short-lived child, interrupt it, collect the stop, detach, kill it. Capability bits are not
 * trusted (gVisor reports CAP_SYS_PTRACE and still refuses the call); only a completed attach counts.
 */
final class PtraceProbe implements Probe {
    private static final long JOIN_MILLIS = 5_000;

    @Override
    public String name() {
        return Probes.PTRACE;
    }

    /** On its own platform thread: the thread that seizes is the only one the kernel lets drive the tracee. */
    @Override
    public ProbeResult run() throws InterruptedException {
        AtomicReference<ProbeResult> result = new AtomicReference<>();
        Thread tracer = Thread.ofPlatform().name("agentsh-ptrace-probe").daemon(true).start(() -> result.set(attempt()));
        tracer.join(JOIN_MILLIS);
        ProbeResult r = result.get();
        return r != null ? r : ProbeResult.unavailable(name(), "the attach did not finish in " + JOIN_MILLIS + " ms");
    }

    private ProbeResult attempt() {
        SpawnedChild child;
        try {
            child = SpawnedChild.start("/bin/sleep", "sleep", "1");
        } catch (KernelException e) {
            return ProbeResult.unavailable(name(), "no child to trace: " + e.getMessage());
        }
        try {
            Ptrace.seize(child.pid());
            Ptrace.interrupt(child.pid());
            int status = child.await(SpawnedChild.WALL);
            if (!SpawnedChild.isStopped(status)) {
                return ProbeResult.unavailable(name(), "the seized child did not stop (wait status 0x"
                        + Integer.toHexString(status) + ")");
            }
            Ptrace.detach(child.pid());
            return ProbeResult.available(name(), Ptrace.event(status) == Ptrace.EVENT_STOP ? "seize, interrupt, detach" : "seize, detach");
        } catch (KernelException e) {
            return ProbeResult.unavailable(name(), e.getMessage());
        } finally {
            try {
                child.killAndReap();
            } catch (KernelException e) {
                // The child was ours and is already gone (ECHILD): nothing is left behind.
            }
        }
    }
}
