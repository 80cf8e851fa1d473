package dev.agentsh.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class PidfdTest {
    private static final int SELF = (int) ProcessHandle.current().pid();
    private static final int PARENT = (int) ProcessHandle.current().parent().orElseThrow().pid();

    @Test
    void describesAProcessAndItsParentAndTellsAYoungerProcessApart() throws Exception {
        assumeTrue(Pidfd.supported(), "this kernel has no PIDFD_GET_INFO (Linux 6.13); /proc is used instead");
        long identity;
        try (Pidfd self = Pidfd.open(SELF); Pidfd again = Pidfd.open(SELF)) {
            assertThat(self.parentPid()).isEqualTo(PARENT);
            identity = self.identity();
            assertThat(again.identity()).as("the same process, the same identity").isEqualTo(identity);
        }

        Process child = new ProcessBuilder("sleep", "30").start();
        Pidfd held = Pidfd.open((int) child.pid());
        try {
            assertThat(held.parentPid()).isEqualTo(SELF);
            long childIdentity = held.identity();
            assertThat(childIdentity).as("a younger process has a larger identity").isGreaterThan(identity);
            child.destroyForcibly().waitFor();
            assertThat(held.identity()).as("readable while held, after the process is reaped").isEqualTo(childIdentity);
            assertThatThrownBy(held::parentPid).as("the parent of a reaped process").isInstanceOf(IOException.class);
        } finally {
            held.close();
            child.destroyForcibly().waitFor();
        }
        int gone = (int) child.pid();
        assertThatThrownBy(() -> Pidfd.open(gone)).isInstanceOf(IOException.class);
    }

    @Test
    void aThreadThatIsNotTheLeaderCanBeDescribed() throws Exception {
        assumeTrue(Pidfd.supported(), "this kernel has no PIDFD_GET_INFO (Linux 6.13); /proc is used instead");
        // Any thread may call execve; the notification then carries that thread's id.
        int tid = 0;
        for (var task : java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc/self/task"))) {
            int id = Integer.parseInt(task.getFileName().toString());
            if (id != SELF) {
                tid = id;
                break;
            }
        }
        assertThat(tid).isPositive();
        try (Pidfd thread = Pidfd.open(tid)) {
            assertThat(thread.parentPid()).isEqualTo(PARENT);
        }
    }
}
