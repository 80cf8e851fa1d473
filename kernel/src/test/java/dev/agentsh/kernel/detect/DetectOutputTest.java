package dev.agentsh.kernel.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shapes of detect's outputs: the map behind JSON/YAML, the table and the config templates. */
class DetectOutputTest {
    private static DetectResult sample(Set<Backend> enforced) {
        Map<String, ProbeResult> m = new LinkedHashMap<>();
        m.put(Probes.SECCOMP_USER_NOTIFY, ProbeResult.notRun(Probes.SECCOMP_USER_NOTIFY, "not in this build"));
        m.put(Probes.LANDLOCK, ProbeResult.available(Probes.LANDLOCK, "ABI v7").with("landlock_abi", 7));
        m.put(Probes.LANDLOCK_NETWORK, ProbeResult.available(Probes.LANDLOCK_NETWORK, "TCP bind, connect"));
        m.put(Probes.FUSE, ProbeResult.available(Probes.FUSE, "new-api").with("fuse_mount_method", "new-api"));
        m.put(Probes.CGROUPS_V2, ProbeResult.unavailable(Probes.CGROUPS_V2, "hybrid"));
        m.put(Probes.CAPABILITIES_DROP, ProbeResult.available(Probes.CAPABILITIES_DROP, "1/41 caps dropped"));
        return Detector.assess("linux", "6.18.0", m, new Enforcement(enforced, "the pre-check"));
    }

    @Test
    void mapHasTheOriginalsKeysInOrder() {
        Map<String, Object> m = sample(Set.of()).toMap();
        assertThat(m.keySet()).containsExactly("platform", "kernel", "security_mode", "protection_score",
                "host_security_mode", "host_protection_score", "enforcement", "domains", "capabilities", "summary", "tips");
        @SuppressWarnings("unchecked")
        Map<String, Object> domain = ((List<Map<String, Object>>) m.get("domains")).getFirst();
        assertThat(domain.keySet()).containsExactly("name", "weight", "score", "host_score", "active", "backends");
        assertThat(domain).containsEntry("name", "File Protection").containsEntry("weight", 25);
        @SuppressWarnings("unchecked")
        Map<String, Object> backend = ((List<Map<String, Object>>) domain.get("backends")).getFirst();
        assertThat(backend.keySet()).containsExactly("name", "available", "status", "enforced", "detail", "description", "check_method");
        assertThat(m.get("summary")).isEqualTo(Map.of(
                "available", List.of("landlock", "fuse", "landlock-network", "capability-drop"),
                "unavailable", List.of("cgroups-v2"),
                "not_run", List.of("seccomp-notify", "seccomp-execve", "ptrace", "ebpf", "pid-namespace")));
    }

    @Test
    void tableLooksLikeTheOriginals() {
        String t = DetectTable.render(sample(Set.of(Backend.LANDLOCK)));
        assertThat(t).startsWith("Platform:         linux (kernel 6.18.0)\nSecurity Mode:    landlock-only\nProtection Score: 40/100\n");
        assertThat(t).contains("FILE PROTECTION                          25/25 (host 25/25)\n")
                .contains("  landlock             ✓  ABI v7           kernel path restrictions\n")
                .contains("  fuse                 ✓  new-api          file interception, soft-delete, redirect  (not applied by agentsh)\n")
                .contains("  seccomp-notify       ?  not run          openat/stat enforcement\n")
                .contains("  active backend:    landlock\n")
                .contains("  landlock_abi                 ✓ (v7)\n")
                .contains("  seccomp_user_notify          not run\n")
                .contains("\nTIPS\n")
                .endsWith("Run 'agentsh detect config' to generate an optimized configuration.\n");
    }

    @Test
    void configTemplateFollowsTheMode() {
        String minimal = DetectConfig.render(sample(Set.of()));
        assertThat(minimal).contains("# Security mode: minimal\n").contains("  mode: minimal\n  strict: false\n  warn_degraded: true\n")
                .doesNotContain("\nlandlock:\n");
        String landlock = DetectConfig.render(sample(Set.of(Backend.LANDLOCK, Backend.FUSE)));
        assertThat(landlock).contains("  mode: landlock\n  strict: true\n").contains("landlock:\n  enabled: true\n")
                .contains("  network:\n    allow_connect_tcp: true\n    allow_bind_tcp: false\n");
    }
}
