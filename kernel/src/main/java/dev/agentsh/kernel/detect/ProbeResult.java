package dev.agentsh.kernel.detect;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one probe.
 *
 * @param name   the probe's name, which is also its key in detect's flat {@code capabilities} map
 * @param detail what was found ("ABI v7") or, when not available, why not ("EPERM ..."); never empty when the
 *               status is not {@code AVAILABLE}, so a missing capability always comes with its reason
 * @param facts  further entries for the {@code capabilities} map ({@code landlock_abi: 7}), in insertion order
 */
public record ProbeResult(String name, ProbeStatus status, String detail, Map<String, Object> facts) {
    public ProbeResult {
        Objects.requireNonNull(name);
        Objects.requireNonNull(status);
        Objects.requireNonNull(detail);
        if (status != ProbeStatus.AVAILABLE && detail.isBlank()) {
            throw new IllegalArgumentException(name + ": a probe that finds nothing must say why");
        }
        facts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    public static ProbeResult available(String name, String detail) {
        return new ProbeResult(name, ProbeStatus.AVAILABLE, detail, Map.of());
    }

    public static ProbeResult unavailable(String name, String reason) {
        return new ProbeResult(name, ProbeStatus.UNAVAILABLE, reason, Map.of());
    }

    public static ProbeResult notRun(String name, String reason) {
        return new ProbeResult(name, ProbeStatus.NOT_RUN, reason, Map.of());
    }

    /** This result with one more fact. */
    public ProbeResult with(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(facts);
        more.put(key, value);
        return new ProbeResult(name, status, detail, more);
    }

    public boolean available() {
        return status == ProbeStatus.AVAILABLE;
    }
}
