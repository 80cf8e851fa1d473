package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Read-only seccomp(2) queries: which filter actions the kernel knows and the sizes of the user-notify structs.
 * Neither installs a filter; whether a notify filter can actually be installed is a different question, answered
 * by a child process (see the seccomp supervisor).
 */
public final class Seccomp {
    private static final long GET_ACTION_AVAIL = 2;
    private static final long GET_NOTIF_SIZES = 3;

    public static final int RET_KILL_PROCESS = 0x80000000;
    public static final int RET_USER_NOTIF = 0x7fc00000;

    /** {@code struct seccomp_notif_sizes}: what the kernel says the three notify structs measure. */
    public record NotifySizes(int notification, int response, int data) {
    }

    private Seccomp() {
    }

    /**
     * Whether the kernel supports filter action {@code action}.
     *
     * @throws KernelException EOPNOTSUPP for an action the kernel does not know; EPERM or ENOSYS when an outer
     *                         sandbox blocks seccomp(2) itself
     */
    public static void requireAction(int action) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            value.set(JAVA_INT, 0, action);
            Syscalls.checked("seccomp(GET_ACTION_AVAIL, 0x" + Integer.toHexString(action) + ")", Syscalls.SECCOMP,
                    GET_ACTION_AVAIL, 0, value.address());
        }
    }

    /** {@code SECCOMP_GET_NOTIF_SIZES}: present from Linux 5.0, together with user-notify itself. */
    public static NotifySizes notifySizes() throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sizes = arena.allocate(6, 2);
            Syscalls.checked("seccomp(GET_NOTIF_SIZES)", Syscalls.SECCOMP, GET_NOTIF_SIZES, 0, sizes.address());
            return new NotifySizes(Short.toUnsignedInt(sizes.get(JAVA_SHORT, 0)),
                    Short.toUnsignedInt(sizes.get(JAVA_SHORT, 2)), Short.toUnsignedInt(sizes.get(JAVA_SHORT, 4)));
        }
    }
}
