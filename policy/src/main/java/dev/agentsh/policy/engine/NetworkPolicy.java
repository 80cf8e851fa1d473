package dev.agentsh.policy.engine;

import dev.agentsh.policy.Decision;
import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.match.Cidr;
import dev.agentsh.policy.match.Glob;
import dev.agentsh.policy.match.IpLiterals;
import dev.agentsh.policy.model.NetworkRule;
import dev.agentsh.policy.model.Policy;
import dev.agentsh.policy.model.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Network rules: every selector a rule has (domains, ports, cidrs) must hold. A domain of exactly
 * {@code *} matches every host. CIDRs are matched against the host when it is an IP literal and
 * against addresses the caller resolved; the engine never asks DNS itself.
 */
final class NetworkPolicy {
    private record Compiled(NetworkRule rule, boolean anyHost, PathGlobs domains, Set<Integer> ports, Cidr[] cidrs,
                            MessageTemplate message, String reason) {
    }

    private final Compiled[] rules;
    private final RuleIndex index;
    private final boolean approvalsEnforced;

    NetworkPolicy(Policy policy, CompileContext ctx, boolean approvalsEnforced) throws PolicyException {
        this.approvalsEnforced = approvalsEnforced;
        List<NetworkRule> list = policy.networkRules();
        rules = new Compiled[list.size()];
        List<List<String>> keys = new ArrayList<>();
        for (int i = 0; i < rules.length; i++) {
            NetworkRule r = list.get(i);
            String key = "network_rules[" + i + "]";
            boolean anyHost = r.domains().stream().anyMatch(d -> d.value().strip().equals("*"));
            List<Cidr> cidrs = new ArrayList<>();
            for (Text c : r.cidrs()) {
                Cidr parsed = Cidr.parse(c.value());
                if (parsed == null) {
                    throw new PolicyException(c.mark(), key + ".cidrs", "bad CIDR \"" + c.value() + "\"; expected e.g. 10.0.0.0/8 or fc00::/7");
                }
                cidrs.add(parsed);
            }
            PathGlobs domains = PathGlobs.compile(r.domains(), '.', ctx.variables(), key + ".domains", true);
            rules[i] = new Compiled(r, anyHost, domains, r.ports(), cidrs.toArray(Cidr[]::new),
                    MessageTemplate.compile(r.header().message(), r.header().mark(), key + ".message"),
                    Outcomes.defaultReason(r.header(), "connection"));
            keys.add(anyHost || domains.isEmpty() ? null : domainKeys(domains));
        }
        index = RuleIndex.build(keys);
    }

    /** The host suffixes a rule's domains can match, or null when one of them could match any suffix. */
    private static List<String> domainKeys(PathGlobs domains) {
        List<String> out = new ArrayList<>();
        for (Glob g : domains.globs()) {
            String k = RuleIndex.domainKeyOf(g.pattern());
            if (k == null) {
                return null;
            }
            out.add(k);
        }
        return out;
    }

    /** @param addresses addresses the host resolved to (may be empty); an IP-literal host counts as its own address */
    Verdict check(String rawHost, int port, List<byte[]> addresses, Trace t) {
        String host = rawHost.strip().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        List<byte[]> candidates = null;
        for (int i : index.candidates(RuleIndex.domainKey(host))) {
            Compiled c = rules[i];
            String name = c.rule.header().name();
            if (!c.ports.isEmpty() && !c.ports.contains(port)) {
                continue;
            }
            if (!c.domains.isEmpty() && !c.anyHost) {
                Glob g = host.isEmpty() ? null : c.domains.match(host);
                if (g == null) {
                    continue;
                }
            }
            if (c.cidrs.length > 0 && candidates == null) {
                candidates = new ArrayList<>(addresses);
                byte[] literal = IpLiterals.parse(host);
                if (literal != null) {
                    candidates.add(literal);
                }
            }
            if (c.cidrs.length > 0 && !inAny(c.cidrs, candidates)) {
                if (t.on() && candidates.isEmpty()) {
                    t.add("rule " + name + ": has cidrs but " + host + " has no known address");
                }
                continue;
            }
            if (t.on()) {
                t.add("rule " + name + ": matched " + host + ":" + port);
            }
            String reason = c.message.isEmpty()
                    ? c.reason
                    : c.message.render(new MessageTemplate.Values(null, null, null, "connect", host, String.valueOf(port), name));
            return Outcomes.matched(c.rule.header(), reason, null, approvalsEnforced);
        }
        if (t.on()) {
            t.add("no rule matched " + host + ":" + port + ": default-deny-network");
        }
        return Outcomes.fallback(Decision.DENY, "default-deny-network", "no network rule allows " + host + ":" + port);
    }

    private static boolean inAny(Cidr[] cidrs, List<byte[]> addresses) {
        for (byte[] a : addresses) {
            for (Cidr c : cidrs) {
                if (c.contains(a)) {
                    return true;
                }
            }
        }
        return false;
    }
}
