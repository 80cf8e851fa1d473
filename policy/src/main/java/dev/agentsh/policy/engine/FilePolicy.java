package dev.agentsh.policy.engine;

import dev.agentsh.policy.Decision;
import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.load.PolicyLoader;
import dev.agentsh.policy.match.Glob;
import dev.agentsh.policy.model.FileRule;
import dev.agentsh.policy.model.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** File rules: first match by path and operation; reads default to allow, everything else to deny. */
final class FilePolicy {
    static final Set<String> READ_OPERATIONS = Set.of("open", "read", "stat", "list", "readlink", "access");
    private static final Map<String, Long> OPS = PathGlobs.operationBits(PolicyLoader.FILE_OPERATIONS);

    private record Compiled(FileRule rule, PathGlobs paths, long ops, MessageTemplate message, String redirectTo,
                            String reason) {
    }

    private final Compiled[] rules;
    private final RuleIndex index;
    private final boolean approvalsEnforced;

    FilePolicy(Policy policy, CompileContext ctx, boolean approvalsEnforced) throws PolicyException {
        this.approvalsEnforced = approvalsEnforced;
        List<FileRule> list = policy.fileRules();
        rules = new Compiled[list.size()];
        List<List<String>> segments = new ArrayList<>();
        for (int i = 0; i < rules.length; i++) {
            FileRule r = list.get(i);
            String key = "file_rules[" + i + "]";
            String redirect = r.redirectTo() == null ? null : ctx.variables().expand(r.redirectTo(), key + ".redirect_to");
            PathGlobs paths = PathGlobs.compile(r.paths(), '/', ctx.variables(), key + ".paths");
            rules[i] = new Compiled(r, paths, PathGlobs.operationMask(r.operations(), OPS),
                    MessageTemplate.compile(r.header().message(), r.header().mark(), key + ".message"), redirect,
                    Outcomes.defaultReason(r.header(), "file access"));
            segments.add(firstSegments(paths));
        }
        index = RuleIndex.build(segments);
    }

    /** The first path segments a rule can match, or null when one of its globs leaves the first segment open. */
    private static List<String> firstSegments(PathGlobs paths) {
        List<String> out = new ArrayList<>();
        for (Glob g : paths.globs()) {
            String segment = RuleIndex.firstSegmentOf(g.literalStart(), g.pattern());
            if (segment == null) {
                return null;
            }
            out.add(segment);
        }
        return out;
    }

    Verdict check(String rawPath, String operation, Trace t) {
        String op = operation.toLowerCase(Locale.ROOT);
        String path = Paths.normalize(rawPath);
        if (!path.equals(rawPath)) {
            if (t.on()) {
                t.add("path " + rawPath + " normalized to " + path);
            }
        }
        long bit = OPS.getOrDefault(op, PathGlobs.UNLISTED_OPERATION);
        for (int i : index.candidates(RuleIndex.firstSegment(path))) {
            Compiled c = rules[i];
            String name = c.rule.header().name();
            if ((c.ops & bit) == 0) {
                continue;
            }
            Glob g = c.paths.match(path);
            if (g == null) {
                continue;
            }
            if (t.on()) {
                t.add("rule " + name + ": path glob " + g + " matched " + path + " for " + op);
            }
            Redirect redirect = c.rule.header().decision() == Decision.REDIRECT
                    ? new Redirect.Path(redirectTarget(c, path)) : null;
            String reason = c.message.isEmpty()
                    ? c.reason
                    : c.message.render(new MessageTemplate.Values(null, null, path, op, null, null, name));
            return Outcomes.matched(c.rule.header(), reason, redirect, approvalsEnforced);
        }
        if (READ_OPERATIONS.contains(op)) {
            if (t.on()) {
                t.add("no rule matched " + op + " of " + path + ": reads are allowed by default");
            }
            return Outcomes.fallback(Decision.ALLOW, "default-allow-reads", "no file rule matched; reads are allowed by default");
        }
        if (t.on()) {
            t.add("no rule matched " + op + " of " + path + ": default-deny-files");
        }
        return Outcomes.fallback(Decision.DENY, "default-deny-files", "no file rule allows " + op + " of " + path);
    }

    private static String redirectTarget(Compiled c, String path) {
        String target = c.redirectTo.endsWith("/") ? c.redirectTo.substring(0, c.redirectTo.length() - 1) : c.redirectTo;
        return c.rule.preserveTree() ? target + path : target + "/" + Program.basename(path);
    }
}
