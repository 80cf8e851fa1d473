package dev.agentsh.policy.engine;

import dev.agentsh.policy.Decision;
import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.load.PolicyLoader;
import dev.agentsh.policy.match.Glob;
import dev.agentsh.policy.model.Policy;
import dev.agentsh.policy.model.UnixSocketRule;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Unix socket rules: first match by socket path ({@code @name} for abstract sockets) and operation. */
final class UnixSocketPolicy {
    private static final Map<String, Long> OPS = PathGlobs.operationBits(PolicyLoader.UNIX_OPERATIONS);

    private record Compiled(UnixSocketRule rule, PathGlobs paths, long ops, MessageTemplate message) {
    }

    private final Compiled[] rules;
    private final boolean approvalsEnforced;

    UnixSocketPolicy(Policy policy, boolean approvalsEnforced) throws PolicyException {
        this.approvalsEnforced = approvalsEnforced;
        List<UnixSocketRule> list = policy.unixSocketRules();
        rules = new Compiled[list.size()];
        for (int i = 0; i < rules.length; i++) {
            UnixSocketRule r = list.get(i);
            String key = "unix_socket_rules[" + i + "]";
            rules[i] = new Compiled(r, PathGlobs.compile(r.paths(), '/', null, key + ".paths"),
                    PathGlobs.operationMask(r.operations(), OPS),
                    MessageTemplate.compile(r.header().message(), r.header().mark(), key + ".message"));
        }
    }

    Verdict check(String path, String operation, Trace t) {
        String op = operation.strip().toLowerCase(Locale.ROOT);
        long bit = OPS.getOrDefault(op, PathGlobs.UNLISTED_OPERATION);
        for (Compiled c : rules) {
            if ((c.ops & bit) == 0) {
                continue;
            }
            Glob g = c.paths.match(path);
            if (g == null) {
                continue;
            }
            String name = c.rule.header().name();
            if (t.on()) {
                t.add("rule " + name + ": path glob " + g + " matched " + path + " for " + op);
            }
            String reason = c.message.isEmpty()
                    ? Outcomes.defaultReason(c.rule.header(), op + " to socket " + path)
                    : c.message.render(new MessageTemplate.Values(null, null, path, op, null, null, name));
            return Outcomes.matched(c.rule.header(), reason, null, approvalsEnforced);
        }
        if (t.on()) {
            t.add("no rule matched " + op + " of socket " + path + ": default-deny-unix");
        }
        return Outcomes.fallback(Decision.DENY, "default-deny-unix", "no unix socket rule allows " + op + " to " + path);
    }
}
