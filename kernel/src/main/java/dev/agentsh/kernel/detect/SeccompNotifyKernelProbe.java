package dev.agentsh.kernel.detect;

import dev.agentsh.kernel.KernelException;
import dev.agentsh.kernel.Seccomp;

/**
 * Kernel support for user-notify: the USER_NOTIF action is known and GET_NOTIF_SIZES answers. Read-only; an outer
 * runtime may still refuse the filter itself, which only an install in a child can tell.
 */
final class SeccompNotifyKernelProbe implements Probe {
    @Override
    public String name() {
        return Probes.SECCOMP_USER_NOTIFY_KERNEL;
    }

    @Override
    public ProbeResult run() {
        try {
            Seccomp.requireAction(Seccomp.RET_USER_NOTIF);
            Seccomp.NotifySizes sizes = Seccomp.notifySizes();
            return ProbeResult.available(name(), "notif " + sizes.notification() + " B, resp " + sizes.response()
                    + " B, data " + sizes.data() + " B");
        } catch (KernelException e) {
            return ProbeResult.unavailable(name(), e.getMessage());
        }
    }
}
