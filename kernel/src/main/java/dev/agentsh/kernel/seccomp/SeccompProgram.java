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
 * left rules silently unreachable in the original). A conditional rule tests one argument's flags and returns
 * either way, so the rules after it still compare the system call number.
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
    public static final int NR_CLONE = 56;
    public static final int NR_PIVOT_ROOT = 155;
    public static final int NR_CHROOT = 161;
    public static final int NR_UNSHARE = 272;
    public static final int NR_SETNS = 308;
    public static final int NR_CLONE3 = 435;

    /** clone(2)/unshare(2) flag: a new mount namespace. */
    public static final int CLONE_NEWNS = 0x00020000;

    public static final int ENOSYS = 38;

    /** struct seccomp_data offsets; an argument's low 32 bits (little-endian) are at OFFSET_ARGS + 8 * index. */
    static final int OFFSET_NR = 0;
    static final int OFFSET_ARCH = 4;
    static final int OFFSET_ARGS = 16;

    // Classic BPF opcodes (linux/bpf_common.h).
    static final short LD_W_ABS = 0x20;
    static final short JMP_JEQ_K = 0x15;
    static final short JMP_JGE_K = 0x35;
    static final short JMP_JSET_K = 0x45;
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

    /** What one system call gets: {@code action}, or with a {@code mask}, {@code action} only if any of its bits is set in argument {@code arg}, else ALLOW. */
    private record Rule(int action, int arg, int mask) {
        int size() {
            return mask == 0 ? 1 : 4;
        }
    }

    /** Collects one action per system call number; later calls for the same number are refused. */
    public static final class Builder {
        private final Map<Integer, Rule> actions = new LinkedHashMap<>();

        private Builder() {
        }

        /** The listed system calls stop and wait for the supervisor's answer. */
        public Builder notify(int... numbers) {
            return set(new Rule(RET_USER_NOTIF, 0, 0), numbers);
        }

        /**
         * System call {@code number} stops for the supervisor only when argument {@code arg} has any bit of
         * {@code mask} set (its low 32 bits); otherwise it is allowed.
         */
        public Builder notifyIfAnyBit(int number, int arg, int mask) {
            if (arg < 0 || arg > 5 || mask == 0) {
                throw new IllegalArgumentException("argument 0-5 and a non-zero mask needed, got " + arg + ", " + mask);
            }
            return set(new Rule(RET_USER_NOTIF, arg, mask), number);
        }

        /** The listed system calls fail at once with {@code errno}. */
        public Builder fail(int errno, int... numbers) {
            if (errno <= 0 || errno > 0xFFFF) {
                throw new IllegalArgumentException("not an errno: " + errno);
            }
            return set(new Rule(RET_ERRNO | errno, 0, 0), numbers);
        }

        private Builder set(Rule rule, int... numbers) {
            for (int nr : numbers) {
                if (nr < 0 || (nr & X32_SYSCALL_BIT) != 0) {
                    throw new IllegalArgumentException("not an x86_64 system call number: " + nr);
                }
                if (actions.putIfAbsent(nr, rule) != null) {
                    throw new IllegalArgumentException("system call " + nr + " already has an action");
                }
            }
            return this;
        }

        public SeccompProgram build() {
            List<Instruction> program = new ArrayList<>();
            int body = 0;
            for (Rule rule : actions.values()) {
                body += 1 + rule.size();
            }
            // Layout: [0] load arch, [1] arch check, [2] load nr, [3] x32 check, [4 .. 4+body) per rule a compare of
            // the number and then its return (or its argument test), then ALLOW, then KILL. Jumps count
            // instructions to skip.
            int kill = 4 + body + 1;
            program.add(new Instruction(LD_W_ABS, 0, 0, OFFSET_ARCH));
            program.add(new Instruction(JMP_JEQ_K, 0, jump(1, kill), AUDIT_ARCH_X86_64));
            program.add(new Instruction(LD_W_ABS, 0, 0, OFFSET_NR));
            program.add(new Instruction(JMP_JGE_K, jump(3, kill), 0, X32_SYSCALL_BIT));
            for (Map.Entry<Integer, Rule> entry : actions.entrySet()) {
                Rule rule = entry.getValue();
                program.add(new Instruction(JMP_JEQ_K, 0, rule.size(), entry.getKey()));
                if (rule.mask() == 0) {
                    program.add(new Instruction(RET_K, 0, 0, rule.action()));
                } else {
                    program.add(new Instruction(LD_W_ABS, 0, 0, OFFSET_ARGS + 8 * rule.arg()));
                    program.add(new Instruction(JMP_JSET_K, 0, 1, rule.mask()));
                    program.add(new Instruction(RET_K, 0, 0, rule.action()));
                    program.add(new Instruction(RET_K, 0, 0, RET_ALLOW));
                }
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
