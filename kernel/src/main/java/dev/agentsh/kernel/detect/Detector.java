package dev.agentsh.kernel.detect;

import dev.agentsh.kernel.detect.DetectResult.BackendResult;
import dev.agentsh.kernel.detect.DetectResult.DomainResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the probes and scores the host the way the original's {@code agentsh detect} does: five domains, each worth
 * its weight when one of its backends works. The scoring ({@link #assess}) is a pure function of the probe results
 * and the {@link Enforcement}, so it is tested without a kernel.
 */
public final class Detector {
    private final List<Probe> probes;
    private final Enforcement enforcement;

    /**
     * The Linux probes, with {@code seccompInstall} deciding whether a seccomp user-notify filter can really be
     * installed (it must be named {@value Probes#SECCOMP_USER_NOTIFY}).
     */
    public Detector(Probe seccompInstall, Enforcement enforcement) {
        this(Probes.linux(seccompInstall), enforcement);
    }

    public Detector(List<Probe> probes, Enforcement enforcement) {
        this.probes = List.copyOf(probes);
        this.enforcement = enforcement;
    }

    /** Runs every probe, in order, and scores the results. */
    public DetectResult detect() {
        Map<String, ProbeResult> results = new LinkedHashMap<>();
        for (Probe p : probes) {
            results.put(p.name(), runSafely(p));
        }
        return assess("linux", System.getProperty("os.version"), results, enforcement);
    }

    /** A probe that throws has not shown the feature works: unavailable, with the exception as the reason. */
    static ProbeResult runSafely(Probe probe) {
        try {
            ProbeResult r = probe.run();
            if (!r.name().equals(probe.name())) {
                throw new IllegalStateException("probe " + probe.name() + " answered as " + r.name());
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.unavailable(probe.name(), "interrupted");
        } catch (Exception e) {
            return ProbeResult.unavailable(probe.name(), "probe failed: " + e);
        }
    }

    /** Scores {@code results} (by probe name); a backend whose probe is missing counts as not run. */
    public static DetectResult assess(String platform, String kernel, Map<String, ProbeResult> results, Enforcement enforcement) {
        List<DomainResult> domains = new ArrayList<>();
        int score = 0;
        int hostScore = 0;
        for (Domain domain : Domain.values()) {
            List<BackendResult> backends = new ArrayList<>();
            String active = "";
            for (Backend b : Backend.of(domain)) {
                ProbeResult r = results.getOrDefault(b.probe(), ProbeResult.notRun(b.probe(), "no probe for " + b.probe()));
                boolean enforced = r.available() && enforcement.applies(b);
                if (enforced && active.isEmpty()) {
                    active = b.id();
                }
                backends.add(new BackendResult(b, r.status(), r.detail(), enforced));
            }
            int domainScore = backends.stream().anyMatch(BackendResult::enforced) ? domain.weight() : 0;
            int domainHostScore = backends.stream().anyMatch(BackendResult::available) ? domain.weight() : 0;
            score += domainScore;
            hostScore += domainHostScore;
            domains.add(new DomainResult(domain, domainScore, domainHostScore, active, backends));
        }
        SecurityMode mode = SecurityMode.select(b -> usable(results, b) && enforcement.applies(b));
        // The original never picks ptrace by itself (it needs sandbox.ptrace.enabled), so neither does the host mode.
        SecurityMode hostMode = SecurityMode.select(b -> b != Backend.PTRACE && usable(results, b));
        return new DetectResult(platform, kernel, enforcement, mode, score, hostMode, hostScore, domains,
                capabilities(results, domains), List.copyOf(results.values()), tips(domains, enforcement));
    }

    private static boolean usable(Map<String, ProbeResult> results, Backend b) {
        ProbeResult r = results.get(b.probe());
        return r != null && r.available();
    }

    /** The original's flat map: one entry per probe (true, false or "not run") plus each probe's facts. */
    private static Map<String, Object> capabilities(Map<String, ProbeResult> results, List<DomainResult> domains) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (ProbeResult r : results.values()) {
            m.put(r.name(), r.status() == ProbeStatus.NOT_RUN ? ProbeStatus.NOT_RUN.word() : r.available());
            m.putAll(r.facts());
        }
        // "seccomp" is the original's older name for the installable check.
        if (m.containsKey(Probes.SECCOMP_USER_NOTIFY)) {
            m.put("seccomp", m.get(Probes.SECCOMP_USER_NOTIFY));
        }
        String file = domains.get(Domain.FILE_PROTECTION.ordinal()).active();
        m.put("file_enforcement", file.isEmpty() ? "none" : file);
        m.putIfAbsent("fuse_mount_method", "none");
        return m;
    }

    private static List<Tip> tips(List<DomainResult> domains, Enforcement enforcement) {
        Map<String, Tip> tips = new LinkedHashMap<>();
        Set<String> unused = new LinkedHashSet<>();
        for (DomainResult d : domains) {
            for (BackendResult b : d.backends()) {
                switch (b.status()) {
                    case UNAVAILABLE -> {
                        Tip t = unavailableTip(b.backend());
                        tips.putIfAbsent(t.feature(), t);
                    }
                    case NOT_RUN -> tips.putIfAbsent(b.backend().probe(), new Tip(b.backend().probe(), "not run",
                            "Not verified (" + b.detail() + "); " + b.backend().id() + " is counted as unavailable",
                            "Nothing to do on the host; this agentsh cannot test it yet"));
                    case AVAILABLE -> {
                        if (!b.enforced()) {
                            unused.add(b.backend().id());
                        }
                    }
                }
            }
        }
        if (!unused.isEmpty()) {
            tips.put("enforcement", new Tip("enforcement", "not enforced",
                    "The host offers " + String.join(", ", unused) + ", which this agentsh does not apply to commands; today: "
                            + enforcement.summary(),
                    "Nothing to change on the host; the protection score rises as agentsh applies these backends"));
        }
        return List.copyOf(tips.values());
    }

    private static Tip unavailableTip(Backend backend) {
        return switch (backend) {
            case FUSE -> new Tip("fuse", "unavailable", "Fine-grained filesystem control disabled",
                    "Install FUSE3: apt install fuse3 (Debian/Ubuntu), dnf install fuse3 (Fedora), or pacman -S fuse3 (Arch); in a container also pass --device /dev/fuse");
            case LANDLOCK -> new Tip("landlock", "unavailable", "Kernel path restrictions disabled",
                    "Requires kernel 5.13+ with landlock in the lsm= boot parameter");
            case SECCOMP_NOTIFY, SECCOMP_EXECVE -> new Tip("seccomp", "unavailable",
                    "Syscall filtering disabled (likely nested container)",
                    "Run in privileged container or on host for full seccomp support");
            case PTRACE -> new Tip("ptrace", "unavailable", "Syscall-level enforcement via ptrace unavailable",
                    "Add SYS_PTRACE capability to enable ptrace-based enforcement for restricted runtimes");
            case EBPF -> new Tip("ebpf", "unavailable", "Network monitoring disabled",
                    "Requires CAP_BPF and cgroups v2. Run as root or with elevated privileges.");
            case LANDLOCK_NETWORK -> new Tip("landlock_network", "unavailable", "Kernel-level network restrictions disabled",
                    "Requires kernel 6.7+ (Landlock ABI v4). Upgrade kernel or use proxy-based network control.");
            case CGROUPS_V2 -> new Tip("cgroups_v2", "unavailable", "Resource limits unavailable",
                    "Enable cgroups v2 in kernel or container runtime (boot with systemd.unified_cgroup_hierarchy=1 on a hybrid host)");
            case PID_NAMESPACE -> new Tip("pid_namespace", "unavailable", "agentsh and its commands see every process of the host",
                    "Run agentsh in its own PID namespace (a container)");
            case CAPABILITY_DROP -> new Tip("capabilities_drop", "unavailable", "agentsh holds every capability",
                    "Start agentsh with the capabilities it needs only (e.g. docker --cap-drop)");
        };
    }
}
