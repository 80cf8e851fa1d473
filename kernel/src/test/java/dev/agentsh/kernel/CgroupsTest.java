package dev.agentsh.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupsTest {
    /** The layout from /proc/mounts, independently of statfs. */
    private static Cgroups.Layout layoutFromMounts() throws Exception {
        List<String[]> mounts = PseudoFiles.read(Path.of("/proc/mounts")).lines().map(l -> l.split(" ")).toList();
        for (String[] m : mounts) {
            if (m[1].equals("/sys/fs/cgroup")) {
                if (m[2].equals("cgroup2")) {
                    return Cgroups.Layout.UNIFIED;
                }
                boolean v2Below = mounts.stream().anyMatch(o -> o[2].equals("cgroup2") && o[1].startsWith("/sys/fs/cgroup/"));
                return v2Below ? Cgroups.Layout.HYBRID : Cgroups.Layout.LEGACY;
            }
        }
        return Cgroups.Layout.NONE;
    }

    @Test
    void layoutAgreesWithProcMounts() throws Exception {
        assertThat(Cgroups.layout(Cgroups.ROOT, ProcSelf.cgroup2Mounts())).isEqualTo(layoutFromMounts());
    }

    @Test
    void aPathWithoutCgroupsIsNone() throws Exception {
        assertThat(Cgroups.layout(Path.of("/agentsh-no-such-dir"), List.of())).isEqualTo(Cgroups.Layout.NONE);
        assertThat(Cgroups.layout(Path.of("/proc"), List.of())).isEqualTo(Cgroups.Layout.NONE);
    }

    @Test
    void statfsSeesCgroup2WhereMountinfoSaysSo() throws Exception {
        for (Path m : ProcSelf.cgroup2Mounts()) {
            assertThat(Statfs.filesystemType(m)).as(m.toString()).isEqualTo(Statfs.CGROUP2_SUPER_MAGIC);
        }
    }
}
