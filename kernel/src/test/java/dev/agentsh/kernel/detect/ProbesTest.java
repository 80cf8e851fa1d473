package dev.agentsh.kernel.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentsh.kernel.Capabilities;
import dev.agentsh.kernel.KernelException;
import dev.agentsh.kernel.Landlock;
import dev.agentsh.kernel.ProcSelf;
import dev.agentsh.kernel.PseudoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each probe against the real kernel of the machine the tests run on (as root in CI). */
class ProbesTest {
    private static boolean root() throws Exception {
        return (Capabilities.ofThisProcess().effective() & (1L << Capabilities.CAP_SYS_ADMIN)) != 0;
    }

    @Test
    void landlockProbeReportsTheKernelsOwnAbi() throws Exception {
        int abi;
        try {
            abi = Landlock.abiVersion();
        } catch (KernelException e) {
            ProbeResult r = new LandlockProbe().run();
            assertThat(r.status()).isEqualTo(ProbeStatus.UNAVAILABLE);
            assumeTrue(false, "Landlock is not available: " + e.getMessage());
            return;
        }
        ProbeResult r = new LandlockProbe().run();
        assertThat(r.status()).isEqualTo(ProbeStatus.AVAILABLE);
        assertThat(r.detail()).isEqualTo("ABI v" + abi);
        assertThat(r.facts()).containsEntry("landlock_abi", abi);
        assertThat(new LandlockNetworkProbe().run().available()).isEqualTo(abi >= 4);
    }

    @Test
    void seccompKernelProbesAreAvailableHere() {
        assertThat(new SeccompBasicProbe().run().available()).isTrue();
        ProbeResult notify = new SeccompNotifyKernelProbe().run();
        assertThat(notify.available()).as(notify.detail()).isTrue();
    }

    @Test
    void ptraceProbeAttachesAsRoot() throws Exception {
        assumeTrue(root(), "ptrace of a child is only guaranteed with CAP_SYS_PTRACE here");
        ProbeResult r = new PtraceProbe().run();
        assertThat(r.available()).as(r.detail()).isTrue();
        assertThat(r.detail()).isEqualTo("seize, interrupt, detach");
    }

    @Test
    void ebpfProbeLoadsAsRoot() throws Exception {
        assumeTrue(root(), "BPF_PROG_LOAD needs CAP_BPF or CAP_SYS_ADMIN");
        assumeTrue(!ProcSelf.cgroup2Mounts().isEmpty(), "no cgroup2 filesystem to attach to");
        ProbeResult r = new EbpfProbe().run();
        assertThat(r.available()).as(r.detail()).isTrue();
    }

    @Test
    void fuseProbeFindsAMountMethodAsRoot() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse on this machine");
        assumeTrue(root(), "without fusermount, mounting FUSE needs CAP_SYS_ADMIN");
        ProbeResult r = new FuseProbe().run();
        assertThat(r.available()).as(r.detail()).isTrue();
        assertThat(r.facts().get("fuse_mount_method")).isIn("fusermount", "new-api");
        // With an empty PATH there is no helper, so root must fall back to the new mount API.
        assertThat(new FuseProbe(Path.of("/dev/fuse"), "").run().facts()).containsEntry("fuse_mount_method", "new-api");
    }

    @Test
    void fuseProbeWithoutTheDeviceSaysWhy() {
        ProbeResult r = new FuseProbe(Path.of("/dev/agentsh-no-fuse"), "/usr/bin:/bin").run();
        assertThat(r.status()).isEqualTo(ProbeStatus.UNAVAILABLE);
        assertThat(r.detail()).contains("ENOENT");
        assertThat(r.facts()).containsEntry("fuse_mount_method", "none");
    }

    @Test
    void cgroupsProbeAgreesWithTheOwnCgroupsControllers() throws Exception {
        ProbeResult r = new CgroupsProbe().run();
        List<Path> v2 = ProcSelf.cgroup2Mounts();
        var own = ProcSelf.unifiedCgroup();
        boolean limitsThere = false;
        for (Path m : v2) {
            Path controllers = m.resolve(own.orElse("/").substring(1)).resolve("cgroup.controllers");
            if (Files.exists(controllers)) {
                Set<String> c = Set.of(PseudoFiles.read(controllers).strip().split("\\s+"));
                limitsThere |= c.containsAll(Set.of("cpu", "memory", "pids"));
            }
        }
        // Available needs the controllers; their absence must make it unavailable with a reason.
        if (!limitsThere) {
            assertThat(r.status()).isEqualTo(ProbeStatus.UNAVAILABLE);
            assertThat(r.detail()).isNotBlank();
        }
        assertThat(r.facts()).containsKeys("cgroups_v2_mode", "cgroups_v2_reason", "cgroups_v2_own_cgroup", "cgroups_v2_io_available");
    }

    @Test
    void cgroupsProbeOnAPathWithoutCgroupsIsUnavailable() throws Exception {
        ProbeResult r = new CgroupsProbe(Path.of("/agentsh-no-such-dir")).run();
        assertThat(r.status()).isEqualTo(ProbeStatus.UNAVAILABLE);
        assertThat(r.detail()).contains("no cgroup filesystem at /agentsh-no-such-dir");
    }

    @Test
    void capabilityDropCountsPermittedAndBounding() throws Exception {
        assertThat(CapabilityDropProbe.fromCapabilities(new Capabilities(0, (1L << 41) - 1, 0, (1L << 41) - 1, 40)))
                .satisfies(r -> assertThat(r.available()).isFalse())
                .satisfies(r -> assertThat(r.detail()).isEqualTo("0/41 caps dropped"));
        long withoutSysResource = ((1L << 41) - 1) & ~(1L << 24);
        assertThat(CapabilityDropProbe.fromCapabilities(new Capabilities(0, withoutSysResource, 0, (1L << 41) - 1, 40)).detail())
                .isEqualTo("1/41 caps dropped");
        // The live probe agrees with /proc/self/status.
        Capabilities caps = Capabilities.ofThisProcess();
        boolean reduced = (caps.permitted() & caps.bounding()) != caps.fullSet();
        assertThat(new CapabilityDropProbe().run().available()).isEqualTo(reduced);
    }

    @Test
    void pidNamespaceFollowsNsPid() throws Exception {
        assertThat(PidNamespaceProbe.fromNamespacePids(List.of(4242L)).available()).isFalse();
        assertThat(PidNamespaceProbe.fromNamespacePids(List.of(4242L, 7L)).detail()).isEqualTo("1 level(s) deep, pid 7");
        assertThat(new PidNamespaceProbe().run().available()).isEqualTo(ProcSelf.namespacePids().size() > 1);
    }

    @Test
    void namespacesProbeCreatesEveryKindAsRoot() throws Exception {
        assumeTrue(root(), "creating namespaces other than user needs CAP_SYS_ADMIN");
        ProbeResult r = new NamespacesProbe().run();
        assumeTrue(r.status() != ProbeStatus.NOT_RUN, r.detail());
        assertThat(r.available()).as(r.detail()).isTrue();
        assertThat(r.facts()).containsEntry("namespaces_creatable", "user,mount,pid,net,uts,ipc,cgroup");
    }

    @Test
    void theSeccompInstallProbeMustCarryItsName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Probes.linux(Probe.notRun("seccomp", "x")))
                .hasMessageContaining("seccomp_user_notify");
        assertThat(Probes.linux(Probe.notRun(Probes.SECCOMP_USER_NOTIFY, "later")).stream().map(Probe::name).distinct())
                .hasSize(12);
    }
}
