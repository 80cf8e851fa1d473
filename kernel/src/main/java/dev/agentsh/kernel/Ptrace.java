package dev.agentsh.kernel;

/**
 * ptrace(2) requests agentsh's tracer uses, as raw system calls.
 *
 * <p>The kernel binds a tracee to the <em>thread</em> that attached: every later request, and the wait that
 * collects the tracee's stops, must come from that same thread. Callers therefore drive a tracee from one
 * platform thread; a virtual thread may move between carrier threads and is unfit.
 */
public final class Ptrace {
    private static final long PTRACE_DETACH = 17;
    private static final long PTRACE_SEIZE = 0x4206;
    private static final long PTRACE_INTERRUPT = 0x4207;
    /** The event a PTRACE_INTERRUPT stop of a seized tracee reports in bits 16..23 of the wait status. */
    public static final int EVENT_STOP = 128;

    private Ptrace() {
    }

    /** Attaches without stopping the tracee (unlike PTRACE_ATTACH, no SIGSTOP is sent). */
    public static void seize(int pid) throws KernelException {
        Syscalls.checked("ptrace(PTRACE_SEIZE, " + pid + ")", Syscalls.PTRACE, PTRACE_SEIZE, pid, 0, 0);
    }

    /** Asks a seized tracee to stop; the stop is then collected with wait4. */
    public static void interrupt(int pid) throws KernelException {
        Syscalls.checked("ptrace(PTRACE_INTERRUPT, " + pid + ")", Syscalls.PTRACE, PTRACE_INTERRUPT, pid, 0, 0);
    }

    /** Detaches from a stopped tracee and lets it run on. */
    public static void detach(int pid) throws KernelException {
        Syscalls.checked("ptrace(PTRACE_DETACH, " + pid + ")", Syscalls.PTRACE, PTRACE_DETACH, pid, 0, 0);
    }

    /** The PTRACE_EVENT_* of a stop status, 0 for a plain signal stop. */
    public static int event(int status) {
        return (status >>> 16) & 0xff;
    }
}
