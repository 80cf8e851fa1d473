package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * This process's capability sets: capget(2) for effective/permitted/inheritable, prctl(PR_CAPBSET_READ) for the
 * bounding set.
 *
 * @param lastCap the highest capability number the kernel knows ({@code /proc/sys/kernel/cap_last_cap})
 */
public record Capabilities(long effective, long permitted, long inheritable, long bounding, int lastCap) {
    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_SYS_PTRACE = 19;
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_BPF = 39;

    /** _LINUX_CAPABILITY_VERSION_3: 64-bit sets, as two 32-bit words each. */
    private static final int VERSION_3 = 0x20080522;
    private static final long PR_CAPBSET_READ = 23;

    /**
     * Reads the sets of the calling process. Version 3 has two {@code __user_cap_data_struct}s; the second holds
     * capabilities 32..63, which is where CAP_BPF (39) lives, so both words are combined.
     */
    public static Capabilities ofThisProcess() throws KernelException, IOException {
        int lastCap = Integer.parseInt(PseudoFiles.read(Path.of("/proc/sys/kernel/cap_last_cap")).strip());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = arena.allocate(8, 4);
            header.set(JAVA_INT, 0, VERSION_3);
            header.set(JAVA_INT, 4, 0);
            MemorySegment data = arena.allocate(24, 4);
            Syscalls.checked("capget", Syscalls.CAPGET, header.address(), data.address());
            long bounding = 0;
            for (int cap = 0; cap <= lastCap; cap++) {
                if (Syscalls.checked("prctl(PR_CAPBSET_READ, " + cap + ")", Syscalls.PRCTL, PR_CAPBSET_READ, cap) == 1) {
                    bounding |= 1L << cap;
                }
            }
            return new Capabilities(word(data, 0), word(data, 4), word(data, 8), bounding, lastCap);
        }
    }

    /** Every capability the kernel knows, as a set. */
    public long fullSet() {
        return lastCap >= 63 ? -1L : (1L << (lastCap + 1)) - 1;
    }

    public boolean effective(int cap) {
        return (effective & (1L << cap)) != 0;
    }

    private static long word(MemorySegment data, long offset) {
        long low = Integer.toUnsignedLong(data.get(JAVA_INT, offset));
        long high = Integer.toUnsignedLong(data.get(JAVA_INT, 12 + offset));
        return low | high << 32;
    }
}
