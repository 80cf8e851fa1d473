package dev.agentsh.kernel.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classic-BPF seccomp program for x86_64, built here and handed to the launcher as bytes (an array of
 * {@code struct sock_filter}), so that no policy logic lives in C.
 *
 * <p>Shape: a foreign architecture or an x32 system call (which would reach the same kernel entry points under
 * other numbers) kills the process; each listed system call gets its action; everything else is allowed. One
 * action per system call, never a conditional next to an unconditional rule for the same number (a mix that once
 * left rules silently unreachable in the original).
 */
public final class SeccompProgram {
    public static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    /** System call numbers with this bit set are x32 calls. */
    public static final int X32_SYSCALL_BIT = 0x40000000;

    public static final int RET_KILL_PROCESS = 0x80000000;
    public static final int RET_ERRNO = 0x00050000;
    public static final int RET_USER_NOTIF = 0x7FC00000;
    public static final int RET_ALLOW = 0x7FFF0000;

    /** x86_64 system call numbers this program uses. */
    public static final int NR_EXECVE = 59;
    public static final int NR_EXECVEAT = 322;
    public static final int NR_IO_URING_SETUP = 425;
    public static final int NR_IO_URING_ENTER = 426;
    public static final int NR_IO_URING_REGISTER = 427;

    public static final int ENOSYS = 38;

    /** struct seccomp_data offsets. */
    static final int OFFSET_NR = 0;
    static final int OFFSET_ARCH = 4;

    // Classic BPF opcodes (linux/bpf_common.h).
    static final short LD_W_ABS = 0x20;
    static final short JMP_JEQ_K = 0x15;
    static final short JMP_JGE_K = 0x35;
    static final short RET_K = 0x06;

    /** One {@code struct sock_filter}. */
    record Instruction(short code, int jt, int jf, int k) {
    }

    private final List<Instruction> instructions;

    private SeccompProgram(List<Instruction> instructions) {
        this.instructions = List.copyOf(instructions);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The program as {@code struct sock_filter[]}: 8 bytes each, native (little-endian) order. */
    public byte[] bytes() {
        ByteBuffer out = ByteBuffer.allocate(instructions.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (Instruction i : instructions) {
            out.putShort(i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return out.array();
    }

    List<Instruction> instructions() {
        return instructions;
    }

    /** Collects one action per system call number; later calls for the same number are refused. */
    public static final class Builder {
        private final Map<Integer, Integer> actions = new LinkedHashMap<>();

        private Builder() {
        }

        /** The listed system calls stop and wait for the supervisor's answer. */
        public Builder notify(int... numbers) {
            return set(RET_USER_NOTIF, numbers);
        }

        /** The listed system calls fail at once with {@code errno}. */
        public Builder fail(int errno, int... numbers) {
            if (errno <= 0 || errno > 0xFFFF) {
                throw new IllegalArgumentException("not an errno: " + errno);
            }
            return set(RET_ERRNO | errno, numbers);
        }

        private Builder set(int action, int... numbers) {
            for (int nr : numbers) {
                if (nr < 0 || (nr & X32_SYSCALL_BIT) != 0) {
                    throw new IllegalArgumentException("not an x86_64 system call number: " + nr);
                }
                if (actions.putIfAbsent(nr, action) != null) {
                    throw new IllegalArgumentException("system call " + nr + " already has an action");
                }
            }
            return this;
        }

        public SeccompProgram build() {
            List<Instruction> program = new ArrayList<>();
            int rules = actions.size();
            // Layout: [0] load arch, [1] arch check, [2] load nr, [3] x32 check, [4 .. 4+2*rules) one compare and one
            // return per rule, then ALLOW, then KILL. Jumps count instructions to skip.
            int kill = 4 + 2 * rules + 1;
            program.add(new Instruction(LD_W_ABS, 0, 0, OFFSET_ARCH));
            program.add(new Instruction(JMP_JEQ_K, 0, jump(1, kill), AUDIT_ARCH_X86_64));
            program.add(new Instruction(LD_W_ABS, 0, 0, OFFSET_NR));
            program.add(new Instruction(JMP_JGE_K, jump(3, kill), 0, X32_SYSCALL_BIT));
            for (Map.Entry<Integer, Integer> rule : actions.entrySet()) {
                program.add(new Instruction(JMP_JEQ_K, 0, 1, rule.getKey()));
                program.add(new Instruction(RET_K, 0, 0, rule.getValue()));
            }
            program.add(new Instruction(RET_K, 0, 0, RET_ALLOW));
            program.add(new Instruction(RET_K, 0, 0, RET_KILL_PROCESS));
            return new SeccompProgram(program);
        }

        /** The offset from the instruction at {@code from} to {@code to}; classic BPF jumps are one byte wide. */
        private static int jump(int from, int to) {
            int offset = to - from - 1;
            if (offset > 255) {
                throw new IllegalStateException("too many rules for one-byte jumps: " + offset);
            }
            return offset;
        }
    }
}
