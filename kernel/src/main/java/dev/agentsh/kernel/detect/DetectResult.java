package dev.agentsh.kernel.detect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code agentsh detect} found: per domain and backend what the host offers, what this agentsh applies, the
 * score of each, and advice.
 *
 * <p>Two scores, because they answer different questions. {@link #protectionScore} and {@link #securityMode}
 * count only backends agentsh applies to commands ({@link Enforcement}): the protection a command gets today.
 * {@link #hostProtectionScore} and {@link #hostSecurityMode} count every backend the host offers: the original's
 * number, what the host could give.
 *
 * @param capabilities the flat map of the original ({@code seccomp_user_notify}, {@code landlock_abi}...), about
 *                     the host; a check that was not made reads {@code "not run"}, never {@code true}
 * @param probes       every probe's raw result, in the order they ran
 */
public record DetectResult(
        String platform,
        String kernel,
        Enforcement enforcement,
        SecurityMode securityMode,
        int protectionScore,
        SecurityMode hostSecurityMode,
        int hostProtectionScore,
        List<DomainResult> domains,
        Map<String, Object> capabilities,
        List<ProbeResult> probes,
        List<Tip> tips) {

    public DetectResult {
        domains = List.copyOf(domains);
        capabilities = java.util.Collections.unmodifiableMap(new TreeMap<>(capabilities));
        probes = List.copyOf(probes);
        tips = List.copyOf(tips);
    }

    /**
     * One domain.
     *
     * @param score     its weight when a backend of it is applied, else 0
     * @param hostScore its weight when the host offers a backend of it, else 0
     * @param active    the applied backend that protects it ("" for none)
     */
    public record DomainResult(Domain domain, int score, int hostScore, String active, List<BackendResult> backends) {
        public DomainResult {
            backends = List.copyOf(backends);
        }
    }

    /**
     * One backend.
     *
     * @param status   what the host offers
     * @param detail   what was found, or why it is missing
     * @param enforced whether agentsh applies it to commands
     */
    public record BackendResult(Backend backend, ProbeStatus status, String detail, boolean enforced) {
        public boolean available() {
            return status == ProbeStatus.AVAILABLE;
        }
    }

    /** The names of backends with {@code status}, in domain order. */
    public List<String> backends(ProbeStatus status) {
        List<String> out = new ArrayList<>();
        for (DomainResult d : domains) {
            for (BackendResult b : d.backends()) {
                if (b.status() == status) {
                    out.add(b.backend().id());
                }
            }
        }
        return out;
    }

    /**
     * The result as ordered maps and lists, with the original's keys: what JSON and YAML writers serialise. Keys
     * the original does not have ({@code kernel}, {@code host_*}, {@code enforcement}, {@code enforced},
     * {@code status}, {@code not_run}) only add to it.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("platform", platform);
        m.put("kernel", kernel);
        m.put("security_mode", securityMode.word());
        m.put("protection_score", protectionScore);
        m.put("host_security_mode", hostSecurityMode.word());
        m.put("host_protection_score", hostProtectionScore);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("backends", enforcement.backends().stream().sorted().map(Backend::id).toList());
        e.put("summary", enforcement.summary());
        m.put("enforcement", e);
        List<Object> ds = new ArrayList<>();
        for (DomainResult d : domains) {
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("name", d.domain().title());
            dm.put("weight", d.domain().weight());
            dm.put("score", d.score());
            dm.put("host_score", d.hostScore());
            dm.put("active", d.active());
            List<Object> bs = new ArrayList<>();
            for (BackendResult b : d.backends()) {
                Map<String, Object> bm = new LinkedHashMap<>();
                bm.put("name", b.backend().id());
                bm.put("available", b.available());
                bm.put("status", b.status().word());
                bm.put("enforced", b.enforced());
                bm.put("detail", b.detail());
                bm.put("description", b.backend().description());
                bm.put("check_method", b.backend().checkMethod());
                bs.add(bm);
            }
            dm.put("backends", bs);
            ds.add(dm);
        }
        m.put("domains", ds);
        m.put("capabilities", capabilities);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("available", backends(ProbeStatus.AVAILABLE));
        summary.put("unavailable", backends(ProbeStatus.UNAVAILABLE));
        summary.put("not_run", backends(ProbeStatus.NOT_RUN));
        m.put("summary", summary);
        List<Object> ts = new ArrayList<>();
        for (Tip t : tips) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("feature", t.feature());
            tm.put("status", t.status());
            tm.put("impact", t.impact());
            tm.put("action", t.action());
            ts.add(tm);
        }
        m.put("tips", ts);
        return m;
    }
}
