package dev.agentsh.kernel.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scoring and mode selection from fabricated probe results: no kernel involved. */
class DetectorTest {
    private static final List<String> ALL = List.of(Probes.SECCOMP_BASIC, Probes.SECCOMP_USER_NOTIFY_KERNEL,
            Probes.SECCOMP_USER_NOTIFY, Probes.LANDLOCK, Probes.LANDLOCK_NETWORK, Probes.FUSE, Probes.PTRACE, Probes.EBPF,
            Probes.CGROUPS_V2, Probes.PID_NAMESPACE, Probes.CAPABILITIES_DROP);
    private static final Enforcement EVERYTHING = new Enforcement(EnumSet.allOf(Backend.class), "all of it");
    private static final Enforcement NOTHING = new Enforcement(Set.of(), "the pre-check");

    /** Every probe available except {@code missing}, which are unavailable. */
    private static Map<String, ProbeResult> hostWithout(String... missing) {
        Map<String, ProbeResult> m = new LinkedHashMap<>();
        for (String name : ALL) {
            m.put(name, Arrays.asList(missing).contains(name)
                    ? ProbeResult.unavailable(name, "fabricated")
                    : ProbeResult.available(name, "fabricated"));
        }
        return m;
    }

    private static DetectResult assess(Map<String, ProbeResult> results, Enforcement e) {
        return Detector.assess("linux", "6.18", results, e);
    }

    @Test
    void everythingAvailableAndAppliedIsFullAt100() {
        DetectResult r = assess(hostWithout(), EVERYTHING);
        assertThat(r.protectionScore()).isEqualTo(100);
        assertThat(r.securityMode()).isEqualTo(SecurityMode.FULL);
        assertThat(r.domains()).extracting(d -> d.domain().weight()).containsExactly(25, 25, 20, 15, 15);
        assertThat(r.domains()).extracting(DetectResult.DomainResult::active)
                .containsExactly("landlock", "seccomp-execve", "ebpf", "cgroups-v2", "pid-namespace");
    }

    @Test
    void aHostBackendThatAgentshDoesNotApplyScoresNothing() {
        DetectResult r = assess(hostWithout(), NOTHING);
        assertThat(r.hostProtectionScore()).isEqualTo(100);
        assertThat(r.hostSecurityMode()).isEqualTo(SecurityMode.FULL);
        // Only isolation, which describes how agentsh was started, counts without agentsh doing anything.
        assertThat(r.protectionScore()).isEqualTo(15);
        assertThat(r.securityMode()).isEqualTo(SecurityMode.MINIMAL);
        assertThat(r.capabilities()).containsEntry("file_enforcement", "none");
        assertThat(r.tips()).extracting(Tip::feature).containsExactly("enforcement");
        assertThat(r.tips().getFirst().impact()).contains("landlock, fuse, seccomp-notify").endsWith("the pre-check");
    }

    @Test
    void aDomainScoresItsWeightWhenAnyBackendWorks() {
        DetectResult r = assess(hostWithout(Probes.EBPF), EVERYTHING);
        assertThat(r.domains().get(Domain.NETWORK.ordinal()).score()).isEqualTo(20);
        assertThat(r.domains().get(Domain.NETWORK.ordinal()).active()).isEqualTo("landlock-network");
        DetectResult none = assess(hostWithout(Probes.EBPF, Probes.LANDLOCK_NETWORK), EVERYTHING);
        assertThat(none.protectionScore()).isEqualTo(80);
        assertThat(none.tips()).extracting(Tip::feature).containsExactly("ebpf", "landlock_network");
    }

    @Test
    void modesFollowTheOriginalsOrder() {
        assertThat(assess(hostWithout(Probes.EBPF), EVERYTHING).securityMode()).isEqualTo(SecurityMode.PTRACE);
        assertThat(assess(hostWithout(Probes.EBPF), EVERYTHING).hostSecurityMode())
                .as("the host mode never picks ptrace by itself").isEqualTo(SecurityMode.LANDLOCK);
        assertThat(assess(hostWithout(Probes.EBPF, Probes.PTRACE), EVERYTHING).securityMode()).isEqualTo(SecurityMode.LANDLOCK);
        assertThat(assess(hostWithout(Probes.EBPF, Probes.PTRACE, Probes.FUSE), EVERYTHING).securityMode())
                .isEqualTo(SecurityMode.LANDLOCK_ONLY);
        assertThat(assess(hostWithout(Probes.EBPF, Probes.PTRACE, Probes.LANDLOCK), EVERYTHING).securityMode())
                .isEqualTo(SecurityMode.MINIMAL);
    }

    @Test
    void anUnverifiedInstallIsNeverReportedAvailable() {
        Map<String, ProbeResult> host = hostWithout();
        host.put(Probes.SECCOMP_USER_NOTIFY, ProbeResult.notRun(Probes.SECCOMP_USER_NOTIFY, "no install test"));
        DetectResult r = assess(host, EVERYTHING);
        assertThat(r.securityMode()).isNotEqualTo(SecurityMode.FULL);
        assertThat(r.hostSecurityMode()).isNotEqualTo(SecurityMode.FULL);
        assertThat(r.capabilities()).containsEntry("seccomp_user_notify", "not run").containsEntry("seccomp", "not run")
                .containsEntry("seccomp_user_notify_kernel", true);
        assertThat(r.backends(ProbeStatus.NOT_RUN)).containsExactly("seccomp-notify", "seccomp-execve");
        assertThat(r.domains().get(Domain.COMMAND_CONTROL.ordinal()).active()).isEqualTo("ptrace");
        assertThat(r.tips()).extracting(Tip::status).containsExactly("not run");
    }

    @Test
    void aMissingProbeCountsAsNotRun() {
        Map<String, ProbeResult> host = hostWithout();
        host.remove(Probes.CGROUPS_V2);
        DetectResult r = assess(host, EVERYTHING);
        assertThat(r.domains().get(Domain.RESOURCE_LIMITS.ordinal()).backends().getFirst().status()).isEqualTo(ProbeStatus.NOT_RUN);
        assertThat(r.protectionScore()).isEqualTo(85);
    }

    @Test
    void aProbeThatThrowsIsUnavailableWithTheReason() {
        Probe broken = new Probe() {
            @Override
            public String name() {
                return Probes.EBPF;
            }

            @Override
            public ProbeResult run() throws Exception {
                throw new java.io.IOException("boom");
            }
        };
        DetectResult r = new Detector(List.of(broken), NOTHING).detect();
        assertThat(r.probes()).singleElement().satisfies(p -> {
            assertThat(p.status()).isEqualTo(ProbeStatus.UNAVAILABLE);
            assertThat(p.detail()).contains("boom");
        });
    }

    @Test
    void probeFactsJoinTheFlatCapabilities() {
        Map<String, ProbeResult> host = hostWithout();
        host.put(Probes.LANDLOCK, ProbeResult.available(Probes.LANDLOCK, "ABI v7").with("landlock_abi", 7));
        assertThat(assess(host, EVERYTHING).capabilities()).containsEntry("landlock_abi", 7).containsEntry("landlock", true);
    }

    @Test
    void aProbeResultThatFindsNothingMustSayWhy() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProbeResult.unavailable("x", " "))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
