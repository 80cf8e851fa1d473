package dev.agentsh.policy.engine;

import dev.agentsh.policy.Decision;
import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.match.Glob;
import dev.agentsh.policy.match.GlobSyntaxException;
import dev.agentsh.policy.model.Policy;
import dev.agentsh.policy.model.SignalRule;
import dev.agentsh.policy.model.SignalTargetSpec;
import dev.agentsh.policy.model.Text;
import java.util.List;
import java.util.Locale;

/** Signal rules: first match by signal number and target; no match is a deny. */
final class SignalPolicy {
    private record Compiled(SignalRule rule, long signals, String type, Glob comm, int min, int max,
                            Redirect.Signal redirect, MessageTemplate message) {
        boolean has(int signal) {
            return signal >= 1 && signal <= 64 && (signals & (1L << (signal - 1))) != 0;
        }
    }

    private final Compiled[] rules;
    private final boolean approvalsEnforced;

    SignalPolicy(Policy policy, boolean approvalsEnforced) throws PolicyException {
        this.approvalsEnforced = approvalsEnforced;
        List<SignalRule> list = policy.signalRules();
        rules = new Compiled[list.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = compile(list.get(i), "signal_rules[" + i + "]");
        }
    }

    private static Compiled compile(SignalRule r, String key) throws PolicyException {
        long mask = 0;
        for (Text s : r.signals()) {
            String v = s.value().strip();
            if (v.startsWith("@")) {
                List<Integer> group = Signals.GROUPS.get(v.toLowerCase(Locale.ROOT));
                if (group == null) {
                    throw new PolicyException(s.mark(), key + ".signals", "unknown signal group \"" + v + "\"; expected one of "
                            + String.join(", ", Signals.GROUPS.keySet().stream().sorted().toList()));
                }
                for (int n : group) {
                    mask |= 1L << (n - 1);
                }
            } else {
                int n = Signals.parse(v);
                if (n < 0) {
                    throw new PolicyException(s.mark(), key + ".signals", "unknown signal \"" + v + "\"; expected a name like SIGTERM or TERM, a number 1-64, or a group like @fatal");
                }
                mask |= 1L << (n - 1);
            }
        }
        SignalTargetSpec target = r.target();
        String type = target.type().value().strip().toLowerCase(Locale.ROOT);
        Glob comm = null;
        switch (type) {
            case "process" -> {
                if (target.pattern() == null) {
                    throw new PolicyException(target.type().mark(), key + ".target.pattern", "is required for target type process");
                }
                try {
                    comm = Glob.compile(target.pattern().value(), Glob.NO_SEPARATOR);
                } catch (GlobSyntaxException e) {
                    throw new PolicyException(target.pattern().mark(), key + ".target.pattern", e.getMessage());
                }
            }
            case "pid_range" -> {
                if (target.min() <= 0 || target.max() <= 0 || target.min() > target.max()) {
                    throw new PolicyException(target.type().mark(), key + ".target", "pid_range needs min and max, both > 0 and min <= max");
                }
            }
            default -> {
                if (!SignalTarget.RELATIONS.contains(type)) {
                    throw new PolicyException(target.type().mark(), key + ".target.type", "unknown target type \"" + type
                            + "\"; expected one of " + String.join(", ", SignalTarget.RELATIONS) + ", process, pid_range");
                }
            }
        }
        Redirect.Signal redirect = null;
        if (r.redirectTo() != null) {
            int n = Signals.parse(r.redirectTo().value());
            if (n < 0) {
                throw new PolicyException(r.redirectTo().mark(), key + ".redirect_to", "unknown signal \"" + r.redirectTo().value() + "\"");
            }
            redirect = new Redirect.Signal(n, Signals.name(n));
        }
        return new Compiled(r, mask, type, comm, target.min(), target.max(), redirect,
                MessageTemplate.compile(r.header().message(), r.header().mark(), key + ".message"));
    }

    Verdict check(int signal, SignalTarget target, Trace t) {
        for (Compiled c : rules) {
            if (!c.has(signal) || !targets(c, target)) {
                continue;
            }
            String name = c.rule.header().name();
            if (t.on()) {
                t.add("rule " + name + ": " + Signals.name(signal) + " to " + c.type + " matched");
            }
            String reason = c.message.isEmpty()
                    ? Outcomes.defaultReason(c.rule.header(), Signals.name(signal) + " to " + c.type)
                    : c.message.render(new MessageTemplate.Values(target.comm(), null, null, "signal", null, null, name));
            return Outcomes.matched(c.rule.header(), reason, c.redirect, approvalsEnforced);
        }
        if (t.on()) {
            t.add("no rule matched " + Signals.name(signal) + ": default-deny-signals");
        }
        return Outcomes.fallback(Decision.DENY, "default-deny-signals", "no signal rule allows " + Signals.name(signal) + " to this target");
    }

    private static boolean targets(Compiled c, SignalTarget target) {
        return switch (c.type) {
            case "process" -> c.comm.matches(target.comm());
            case "pid_range" -> target.pid() >= c.min && target.pid() <= c.max;
            default -> target.relations().contains(c.type);
        };
    }
}
