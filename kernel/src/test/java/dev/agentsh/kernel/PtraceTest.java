package dev.agentsh.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PtraceTest {
    @Test
    void aProcessCannotSeizeItself() {
        int self = Math.toIntExact(ProcessHandle.current().pid());
        assertThatThrownBy(() -> Ptrace.seize(self))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM));
    }

    @Test
    void seizingNobodyIsEsrch() throws KernelException {
        // A child that has been reaped leaves a pid nobody has (until reuse, which takes far longer than this test).
        SpawnedChild gone = SpawnedChild.start("/bin/true", "true");
        gone.killAndReap();
        assertThatThrownBy(() -> Ptrace.seize(gone.pid()))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
    }

    @Test
    void spawnedChildExitStatusIsCollected() throws KernelException {
        SpawnedChild child = SpawnedChild.start("/bin/sh", "sh", "-c", "exit 7");
        int status = child.await(SpawnedChild.WALL);
        assertThat(SpawnedChild.isStopped(status)).isFalse();
        assertThat((status >> 8) & 0xff).isEqualTo(7);
    }

    @Test
    void spawnOfAMissingProgramFails() {
        assertThatThrownBy(() -> SpawnedChild.start("/nonexistent/agentsh-test", "x"))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }
}
