package dev.agentsh.kernel.seccomp;

import static dev.agentsh.kernel.seccomp.SeccompProgram.AUDIT_ARCH_X86_64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class SeccompProgramTest {
    private static final int AUDIT_ARCH_I386 = 0x40000003;

    private final SeccompProgram program = SeccompProgram.builder()
            .notify(SeccompProgram.NR_EXECVE, SeccompProgram.NR_EXECVEAT)
            .fail(SeccompProgram.ENOSYS, SeccompProgram.NR_IO_URING_SETUP, SeccompProgram.NR_IO_URING_ENTER,
                    SeccompProgram.NR_IO_URING_REGISTER)
            .build();

    /** Runs the program as the kernel would, over the serialized bytes, for one system call. */
    private static int run(byte[] bytes, int arch, int nr) {
        return run(bytes, arch, nr, new long[6]);
    }

    private static int run(byte[] bytes, int arch, int nr, long[] args) {
        ByteBuffer code = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int accumulator = 0;
        int pc = 0;
        for (int steps = 0; steps < 4096; steps++) {
            int at = pc * 8;
            short op = code.getShort(at);
            int jt = Byte.toUnsignedInt(code.get(at + 2));
            int jf = Byte.toUnsignedInt(code.get(at + 3));
            int k = code.getInt(at + 4);
            switch (op) {
                case SeccompProgram.LD_W_ABS -> {
                    accumulator = switch (k) {
                        case SeccompProgram.OFFSET_NR -> nr;
                        case SeccompProgram.OFFSET_ARCH -> arch;
                        default -> {
                            int arg = (k - SeccompProgram.OFFSET_ARGS) / 8;
                            if (k < SeccompProgram.OFFSET_ARGS || (k - SeccompProgram.OFFSET_ARGS) % 8 != 0 || arg > 5) {
                                throw new AssertionError("unexpected load offset " + k);
                            }
                            yield (int) args[arg];
                        }
                    };
                    pc++;
                }
                case SeccompProgram.JMP_JEQ_K -> pc += 1 + (accumulator == k ? jt : jf);
                case SeccompProgram.JMP_JSET_K -> pc += 1 + ((accumulator & k) != 0 ? jt : jf);
                case SeccompProgram.JMP_JGE_K -> pc += 1 + (Integer.compareUnsigned(accumulator, k) >= 0 ? jt : jf);
                case SeccompProgram.RET_K -> {
                    return k;
                }
                default -> throw new AssertionError("unexpected opcode " + op);
            }
            assertThat(pc * 8).as("jump stays inside the program").isLessThan(bytes.length);
        }
        throw new AssertionError("program did not return");
    }

    @Test
    void listedCallsGetTheirActionAndEverythingElseIsAllowed() {
        byte[] bytes = program.bytes();
        assertThat(run(bytes, AUDIT_ARCH_X86_64, 59)).isEqualTo(SeccompProgram.RET_USER_NOTIF);
        assertThat(run(bytes, AUDIT_ARCH_X86_64, 322)).isEqualTo(SeccompProgram.RET_USER_NOTIF);
        for (int nr = 425; nr <= 427; nr++) {
            assertThat(run(bytes, AUDIT_ARCH_X86_64, nr)).isEqualTo(SeccompProgram.RET_ERRNO | 38);
        }
        for (int nr : new int[] {0, 1, 2, 57, 58, 60, 321, 323, 424, 428, 1000}) {
            assertThat(run(bytes, AUDIT_ARCH_X86_64, nr)).as("nr %d", nr).isEqualTo(SeccompProgram.RET_ALLOW);
        }
    }

    @Test
    void foreignArchitecturesAndX32AreKilled() {
        byte[] bytes = program.bytes();
        // i386's execve is 11: without the arch check it would pass as x86_64's munmap.
        assertThat(run(bytes, AUDIT_ARCH_I386, 11)).isEqualTo(SeccompProgram.RET_KILL_PROCESS);
        assertThat(run(bytes, AUDIT_ARCH_X86_64, SeccompProgram.X32_SYSCALL_BIT | 520))
                .as("x32 execve").isEqualTo(SeccompProgram.RET_KILL_PROCESS);
        assertThat(run(bytes, AUDIT_ARCH_X86_64, SeccompProgram.X32_SYSCALL_BIT | 59)).isEqualTo(SeccompProgram.RET_KILL_PROCESS);
        assertThat(run(bytes, AUDIT_ARCH_X86_64, -1)).as("nr -1 is >= the x32 bit unsigned").isEqualTo(SeccompProgram.RET_KILL_PROCESS);
    }

    @Test
    void aConditionalRuleNotifiesOnlyWhenTheFlagIsSetAndTheRulesAfterItStillWork() {
        byte[] bytes = SeccompProgram.builder()
                .notify(SeccompProgram.NR_EXECVE)
                .notifyIfAnyBit(SeccompProgram.NR_UNSHARE, 0, SeccompProgram.CLONE_NEWNS)
                .notifyIfAnyBit(SeccompProgram.NR_CLONE, 0, SeccompProgram.CLONE_NEWNS)
                .fail(SeccompProgram.ENOSYS, SeccompProgram.NR_CLONE3)
                .build().bytes();
        long[] newns = {SeccompProgram.CLONE_NEWNS | 0x10000000L, 0, 0, 0, 0, 0};
        long[] plain = {0x01200011L /* fork's flags */, 0, 0, 0, 0, 0};
        assertThat(run(bytes, AUDIT_ARCH_X86_64, SeccompProgram.NR_UNSHARE, newns)).isEqualTo(SeccompProgram.RET_USER_NOTIF);
        assertThat(run(bytes, AUDIT_ARCH_X86_64, SeccompProgram.NR_UNSHARE, plain)).isEqualTo(SeccompProgram.RET_ALLOW);
        assertThat(run(bytes, AUDIT_ARCH_X86_64, SeccompProgram.NR_CLONE, newns)).isEqualTo(SeccompProgram.RET_USER_NOTIF);
        assertThat(run(bytes, AUDIT_ARCH_X86_64, SeccompProgram.NR_CLONE, plain)).isEqualTo(SeccompProgram.RET_ALLOW);
        assertThat(run(bytes, AUDIT_ARCH_X86_64, SeccompProgram.NR_CLONE3, plain)).isEqualTo(SeccompProgram.RET_ERRNO | 38);
        assertThat(run(bytes, AUDIT_ARCH_X86_64, SeccompProgram.NR_EXECVE, newns)).isEqualTo(SeccompProgram.RET_USER_NOTIF);
        assertThat(run(bytes, AUDIT_ARCH_X86_64, 1, newns)).isEqualTo(SeccompProgram.RET_ALLOW);
        assertThat(run(bytes, AUDIT_ARCH_I386, SeccompProgram.NR_UNSHARE, newns)).isEqualTo(SeccompProgram.RET_KILL_PROCESS);
    }

    @Test
    void eachCallHasOneActionOnly() {
        assertThatThrownBy(() -> SeccompProgram.builder().notify(59).fail(1, 59))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("59 already has an action");
        assertThatThrownBy(() -> SeccompProgram.builder().notify(SeccompProgram.X32_SYSCALL_BIT | 59))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeccompProgram.builder().fail(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyProgramStillChecksTheArchitecture() {
        byte[] bytes = SeccompProgram.builder().build().bytes();
        assertThat(run(bytes, AUDIT_ARCH_X86_64, 59)).isEqualTo(SeccompProgram.RET_ALLOW);
        assertThat(run(bytes, AUDIT_ARCH_I386, 11)).isEqualTo(SeccompProgram.RET_KILL_PROCESS);
    }
}
