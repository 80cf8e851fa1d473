package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** bpf(2): program loading, as agentsh's cgroup connect/sendmsg hooks need it. */
public final class Bpf {
    private static final long PROG_LOAD = 5;
    private static final int PROG_TYPE_CGROUP_SOCK_ADDR = 18;
    private static final int ATTACH_CGROUP_INET4_CONNECT = 10;
    /** {@code r0 = 0} (BPF_ALU64 | BPF_MOV | BPF_K) then {@code exit} (BPF_JMP | BPF_EXIT): deny the connect. */
    private static final long[] RETURN_ZERO = {0xb7L, 0x95L};
    /** Up to and including expected_attach_type: the part of union bpf_attr that BPF_PROG_LOAD reads here. */
    private static final int PROG_LOAD_ATTR_SIZE = 72;

    private Bpf() {
    }

    /**
     * Loads the smallest valid cgroup connect4 program ({@code r0 = 0; exit}) and unloads it again by closing its
     * fd. The program is never attached, so nothing on the host changes. r0 must be set: the verifier rejects a
     * program that returns an uninitialised register, and that rejection (EACCES) would look like a permission
     * problem.
     *
     * @throws KernelException EPERM without CAP_BPF/CAP_SYS_ADMIN, EINVAL when the kernel lacks the program type
     */
    public static void loadCanary() throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(8L * RETURN_ZERO.length, 8);
            for (int i = 0; i < RETURN_ZERO.length; i++) {
                insns.set(JAVA_LONG, 8L * i, RETURN_ZERO[i]);
            }
            MemorySegment license = arena.allocateFrom("GPL", StandardCharsets.US_ASCII);
            MemorySegment attr = arena.allocate(PROG_LOAD_ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, PROG_TYPE_CGROUP_SOCK_ADDR);
            attr.set(JAVA_INT, 4, RETURN_ZERO.length);
            attr.set(JAVA_LONG, 8, insns.address());
            attr.set(JAVA_LONG, 16, license.address());
            attr.set(JAVA_INT, 68, ATTACH_CGROUP_INET4_CONNECT);
            long fd = Syscalls.checked("bpf(BPF_PROG_LOAD, CGROUP_SOCK_ADDR)", Syscalls.BPF, PROG_LOAD,
                    attr.address(), PROG_LOAD_ATTR_SIZE);
            Syscalls.close(fd);
        }
    }
}
