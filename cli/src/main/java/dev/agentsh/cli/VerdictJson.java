package dev.agentsh.cli;

import dev.agentsh.policy.engine.Redirect;
import dev.agentsh.policy.engine.Verdict;
import dev.agentsh.policy.testing.Check;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** How a verdict is shown: the JSON object of {@code policy check --output json}, or readable text. */
final class VerdictJson {
    private VerdictJson() {
    }

    static Map<String, Object> of(Verdict v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("decision", v.decision().wireName());
        m.put("policy_decision", v.policyDecision().wireName());
        m.put("rule", v.rule());
        m.put("reason", v.reason());
        if (v.redirect() != null) {
            m.put("redirect", redirect(v.redirect()));
        }
        if (v.unwrappedFrom() != null) {
            m.put("unwrapped_from", v.unwrappedFrom());
            m.put("payload_command", v.payloadCommand());
        }
        if (v.depth() != null) {
            m.put("depth", v.depth());
        }
        m.put("trace", v.trace());
        return m;
    }

    static Map<String, Object> redirect(Redirect r) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (r) {
            case Redirect.Command c -> {
                m.put("command", c.command());
                m.put("args", c.args());
                if (!c.argsAppend().isEmpty()) {
                    m.put("args_append", c.argsAppend());
                }
                if (!c.environment().isEmpty()) {
                    m.put("environment", c.environment());
                }
            }
            case Redirect.Path p -> m.put("path", p.path());
            case Redirect.Signal s -> m.put("signal", s.name());
        }
        return m;
    }

    static void printText(Verdict v, Check check, PrintWriter out) {
        String decision = v.decision().wireName().toUpperCase();
        String shadow = v.decision() == v.policyDecision() ? "" : " (policy says " + v.policyDecision().wireName() + ")";
        out.println(check.describe());
        out.println("  decision: " + decision + shadow);
        out.println("  rule:     " + v.rule());
        out.println("  reason:   " + v.reason());
        if (v.redirect() != null) {
            out.println("  redirect: " + redirect(v.redirect()));
        }
        if (v.unwrappedFrom() != null) {
            out.println("  unwrapped from " + v.unwrappedFrom() + "; payload " + v.payloadCommand());
        }
        if (v.depth() != null) {
            out.println("  depth:    " + v.depth());
        }
        if (!v.trace().isEmpty()) {
            out.println("  trace:");
            int i = 1;
            for (String step : v.trace()) {
                out.println("    " + i++ + ". " + step);
            }
        }
    }
}
