package dev.agentsh.policy.engine;

import dev.agentsh.policy.Decision;
import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.load.PolicyLoader;
import dev.agentsh.policy.match.Glob;
import dev.agentsh.policy.model.FileRule;
import dev.agentsh.policy.model.Policy;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** File rules: first match by path and operation; reads default to allow, everything else to deny. */
final class FilePolicy {
    static final Set<String> READ_OPERATIONS = Set.of("open", "read", "stat", "list", "readlink", "access");
    private static final List<String> OPS = PolicyLoader.FILE_OPERATIONS.stream().sorted().toList();

    private record Compiled(FileRule rule, PathGlobs paths, long ops, MessageTemplate message, String redirectTo) {
    }

    private final Compiled[] rules;
    private final boolean approvalsEnforced;

    FilePolicy(Policy policy, CompileContext ctx, boolean approvalsEnforced) throws PolicyException {
        this.approvalsEnforced = approvalsEnforced;
        List<FileRule> list = policy.fileRules();
        rules = new Compiled[list.size()];
        for (int i = 0; i < rules.length; i++) {
            FileRule r = list.get(i);
            String key = "file_rules[" + i + "]";
            String redirect = r.redirectTo() == null ? null : ctx.variables().expand(r.redirectTo(), key + ".redirect_to");
            rules[i] = new Compiled(r, PathGlobs.compile(r.paths(), '/', ctx.variables(), key + ".paths"),
                    PathGlobs.operationMask(r.operations(), OPS),
                    MessageTemplate.compile(r.header().message(), r.header().mark(), key + ".message"), redirect);
        }
    }

    Verdict check(String rawPath, String operation, Trace t) {
        String op = operation.toLowerCase(Locale.ROOT);
        String path = Paths.normalize(rawPath);
        if (!path.equals(rawPath)) {
            t.add("path " + rawPath + " normalized to " + path);
        }
        long bit = PathGlobs.operationBit(op, OPS);
        for (Compiled c : rules) {
            String name = c.rule.header().name();
            if ((c.ops & bit) == 0 && c.ops != -1L) {
                continue;
            }
            Glob g = c.paths.match(path);
            if (g == null) {
                continue;
            }
            t.add("rule " + name + ": path glob " + g + " matched " + path + " for " + op);
            Redirect redirect = c.rule.header().decision() == Decision.REDIRECT
                    ? new Redirect.Path(redirectTarget(c, path)) : null;
            String reason = c.message.isEmpty()
                    ? Outcomes.defaultReason(c.rule.header(), op + " of " + path)
                    : c.message.render(new MessageTemplate.Values(null, null, path, op, null, null, name));
            return Outcomes.matched(c.rule.header(), reason, redirect, approvalsEnforced);
        }
        if (READ_OPERATIONS.contains(op)) {
            t.add("no rule matched " + op + " of " + path + ": reads are allowed by default");
            return Outcomes.fallback(Decision.ALLOW, "default-allow-reads", "no file rule matched; reads are allowed by default");
        }
        t.add("no rule matched " + op + " of " + path + ": default-deny-files");
        return Outcomes.fallback(Decision.DENY, "default-deny-files", "no file rule allows " + op + " of " + path);
    }

    private static String redirectTarget(Compiled c, String path) {
        String target = c.redirectTo.endsWith("/") ? c.redirectTo.substring(0, c.redirectTo.length() - 1) : c.redirectTo;
        return c.rule.preserveTree() ? target + path : target + "/" + Program.basename(path);
    }
}
