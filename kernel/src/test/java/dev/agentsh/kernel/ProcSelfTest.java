package dev.agentsh.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcSelfTest {
    @Test
    void innermostNamespacePidIsOurPid() throws Exception {
        assertThat(ProcSelf.namespacePids()).isNotEmpty().last().isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void cgroup2MountsMatchProcMounts() throws Exception {
        var expected = PseudoFiles.read(Path.of("/proc/mounts")).lines().map(l -> l.split(" "))
                .filter(f -> f[2].equals("cgroup2")).map(f -> Path.of(f[1])).toList();
        assertThat(ProcSelf.cgroup2Mounts()).containsExactlyInAnyOrderElementsOf(expected);
    }
}
