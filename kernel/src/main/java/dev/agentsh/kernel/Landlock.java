package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Landlock (landlock_create_ruleset(2)): the kernel's ABI version and ruleset creation.
 *
 * <p>Creating a ruleset restricts nothing; only landlock_restrict_self(2) does, and agentsh calls that in the C
 * launcher of a command, never in the server. So the calls here are safe to make from the JVM.
 */
public final class Landlock {
    /** The flag that makes landlock_create_ruleset return the ABI version instead of creating a ruleset. */
    private static final long CREATE_RULESET_VERSION = 1;

    /** EXECUTE .. MAKE_SYM: the thirteen filesystem rights of ABI 1. */
    private static final long FS_ABI_1 = (1L << 13) - 1;
    private static final long FS_REFER = 1L << 13;
    private static final long FS_TRUNCATE = 1L << 14;
    private static final long FS_IOCTL_DEV = 1L << 15;
    private static final long NET_BIND_TCP = 1L << 0;
    private static final long NET_CONNECT_TCP = 1L << 1;
    private static final long SCOPE_ABSTRACT_UNIX_SOCKET = 1L << 0;
    private static final long SCOPE_SIGNAL = 1L << 1;

    private Landlock() {
    }

    /**
     * The Landlock ABI version the running kernel implements.
     *
     * @throws KernelException EOPNOTSUPP when Landlock is built in but not enabled at boot ({@code lsm=}),
     *                         ENOSYS when the kernel has no Landlock, EPERM when a seccomp filter forbids the call
     */
    public static int abiVersion() throws KernelException {
        return (int) Syscalls.checked("landlock_create_ruleset(VERSION)", Syscalls.LANDLOCK_CREATE_RULESET, 0, 0,
                CREATE_RULESET_VERSION);
    }

    /** Every filesystem access right ABI {@code abi} defines (REFER from 2, TRUNCATE from 3, IOCTL_DEV from 5). */
    public static long filesystemRights(int abi) {
        long rights = abi >= 1 ? FS_ABI_1 : 0;
        if (abi >= 2) {
            rights |= FS_REFER;
        }
        if (abi >= 3) {
            rights |= FS_TRUNCATE;
        }
        if (abi >= 5) {
            rights |= FS_IOCTL_DEV;
        }
        return rights;
    }

    /** TCP bind and connect from ABI 4, else none. */
    public static long networkRights(int abi) {
        return abi >= 4 ? NET_BIND_TCP | NET_CONNECT_TCP : 0;
    }

    /** Abstract unix socket and signal scoping from ABI 6, else none. */
    public static long scopes(int abi) {
        return abi >= 6 ? SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL : 0;
    }

    /**
     * Creates a ruleset handling these rights and closes it again: proof that the kernel accepts exactly this
     * combination (an unknown bit is EINVAL, a field the kernel does not know is E2BIG).
     */
    public static void createAndClose(long filesystem, long network, long scoped) throws KernelException {
        // struct landlock_ruleset_attr { u64 handled_access_fs; u64 handled_access_net; u64 scoped; }, passed only
        // as long as the kernel needs it, so older kernels are not sent fields they would reject.
        long size = scoped != 0 ? 24 : network != 0 ? 16 : 8;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(24, 8);
            attr.set(JAVA_LONG, 0, filesystem);
            attr.set(JAVA_LONG, 8, network);
            attr.set(JAVA_LONG, 16, scoped);
            long fd = Syscalls.checked("landlock_create_ruleset", Syscalls.LANDLOCK_CREATE_RULESET, attr.address(),
                    size, 0);
            Syscalls.close(fd);
        }
    }
}
