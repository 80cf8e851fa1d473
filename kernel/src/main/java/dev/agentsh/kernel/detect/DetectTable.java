package dev.agentsh.kernel.detect;

import dev.agentsh.kernel.detect.DetectResult.BackendResult;
import dev.agentsh.kernel.detect.DetectResult.DomainResult;
import java.util.Locale;
import java.util.Map;

/** The human-readable {@code agentsh detect} output, laid out as the original's table. */
public final class DetectTable {
    private DetectTable() {
    }

    public static String render(DetectResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Platform:         %s (kernel %s)%n", r.platform(), r.kernel()));
        sb.append(String.format("Security Mode:    %s%n", r.securityMode().word()));
        sb.append(String.format("Protection Score: %d/100%n", r.protectionScore()));
        sb.append(String.format("Host Supports:    %s, %d/100 if agentsh applied every available backend%n",
                r.hostSecurityMode().word(), r.hostProtectionScore()));
        sb.append(String.format("Enforced Today:   %s%n", r.enforcement().summary()));
        sb.append('\n');
        for (DomainResult d : r.domains()) {
            sb.append(String.format("%-40s %d/%d (host %d/%d)%n", d.domain().title().toUpperCase(Locale.ROOT),
                    d.score(), d.domain().weight(), d.hostScore(), d.domain().weight()));
            for (BackendResult b : d.backends()) {
                String mark = switch (b.status()) {
                    case AVAILABLE -> "✓";
                    case UNAVAILABLE -> "-";
                    case NOT_RUN -> "?";
                };
                String detail = b.available() ? b.detail() : b.status().word();
                String use = b.available() && !b.enforced() ? "  (not applied by agentsh)" : "";
                sb.append(String.format("  %-20s %s  %-16s %s%s%n", b.backend().id(), mark, detail, b.backend().description(), use));
                if (!b.available()) {
                    sb.append(String.format("  %-20s    why: %s%n", "", b.detail()));
                }
            }
            if (!d.active().isEmpty()) {
                sb.append(String.format("  active backend:    %s%n", d.active()));
            }
            sb.append('\n');
        }
        sb.append("CAPABILITIES\n");
        for (Map.Entry<String, Object> e : r.capabilities().entrySet()) {
            sb.append(String.format("  %-28s %s%n", e.getKey(), value(e.getValue())));
        }
        sb.append('\n');
        if (!r.tips().isEmpty()) {
            sb.append("TIPS\n");
            for (Tip t : r.tips()) {
                sb.append(String.format("  %s (%s): %s%n", t.feature(), t.status(), t.impact()));
                sb.append(String.format("    -> %s%n", t.action()));
            }
            sb.append('\n');
        }
        sb.append("Run 'agentsh detect config' to generate an optimized configuration.\n");
        return sb.toString();
    }

    private static String value(Object v) {
        return switch (v) {
            case Boolean b -> b ? "✓" : "-";
            case Integer i -> "✓ (v" + i + ")";
            default -> String.valueOf(v);
        };
    }
}
