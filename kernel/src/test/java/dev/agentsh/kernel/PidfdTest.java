package dev.agentsh.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class PidfdTest {
    @Test
    void describesAProcessAndItsParentAndTellsAYoungerProcessApart() throws Exception {
        assumeTrue(Pidfd.supported(), "this kernel has no PIDFD_GET_INFO (Linux 6.13); /proc is used instead");
        int self = (int) ProcessHandle.current().pid();
        Pidfd.Info info = Pidfd.info(self);
        assertThat(info.pid()).isEqualTo(self);
        assertThat(info.parentPid()).isEqualTo((int) ProcessHandle.current().parent().orElseThrow().pid());
        assertThat(Pidfd.info(self).identity()).as("the same process, the same identity").isEqualTo(info.identity());

        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            Pidfd.Info c = Pidfd.info((int) child.pid());
            assertThat(c.parentPid()).isEqualTo(self);
            assertThat(c.identity()).as("a younger process has a larger identity").isGreaterThan(info.identity());
        } finally {
            child.destroyForcibly().waitFor();
        }
        int gone = (int) child.pid();
        assertThatThrownBy(() -> Pidfd.info(gone)).isInstanceOf(IOException.class);
    }

    @Test
    void aThreadThatIsNotTheLeaderCanBeDescribed() throws Exception {
        assumeTrue(Pidfd.supported(), "this kernel has no PIDFD_GET_INFO (Linux 6.13); /proc is used instead");
        // Any thread may call execve; the notification then carries that thread's id.
        int tid = 0;
        for (var task : java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc/self/task"))) {
            int id = Integer.parseInt(task.getFileName().toString());
            if (id != ProcessHandle.current().pid()) {
                tid = id;
                break;
            }
        }
        assertThat(tid).isPositive();
        assertThat(Pidfd.info(tid).parentPid()).isEqualTo((int) ProcessHandle.current().parent().orElseThrow().pid());
    }
}
