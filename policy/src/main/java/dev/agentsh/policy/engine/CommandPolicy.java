package dev.agentsh.policy.engine;

import dev.agentsh.policy.Decision;
import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.exec.Invocation;
import dev.agentsh.policy.exec.Unwrapping;
import dev.agentsh.policy.exec.WrapperUnwrapper;
import dev.agentsh.policy.model.CommandRule;
import dev.agentsh.policy.model.Policy;
import dev.agentsh.policy.shell.ShellAnalysis;
import dev.agentsh.policy.shell.ShellCommandAnalyzer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Command rules: the execve-time check (one program at a known depth, wrappers unwrapped) and the
 * pre-check of a command given to the API (depth 0, plus what a {@code sh -c} script would run).
 * Both judge every program found — the wrapper, each payload, each command of a script — and the
 * most restrictive verdict wins.
 */
final class CommandPolicy {
    static final String FALLBACK_PRECHECK = "default-deny-commands";
    static final String FALLBACK_EXECVE = "default-deny-execve";
    /** sh -c inside sh -c inside ... deeper than this is refused rather than analysed. */
    static final int MAX_SHELL_LEVELS = 4;

    private final CommandRuleMatcher[] rules;
    private final MessageTemplate[] messages;
    private final Redirect.Command[] redirects;
    private final Map<String, int[]> byBasename;
    private final Map<String, int[]> byPath;
    private final int[] unindexed;
    private final boolean hasRestrictiveRules;
    private final WrapperUnwrapper unwrapper;
    private final EngineOptions options;

    CommandPolicy(Policy policy, CompileContext ctx, EngineOptions options) throws PolicyException {
        this.options = options;
        List<CommandRule> list = policy.commandRules();
        rules = new CommandRuleMatcher[list.size()];
        messages = new MessageTemplate[list.size()];
        redirects = new Redirect.Command[list.size()];
        Map<String, List<Integer>> names = new HashMap<>();
        Map<String, List<Integer>> paths = new HashMap<>();
        List<Integer> rest = new ArrayList<>();
        boolean restrictive = false;
        for (int i = 0; i < rules.length; i++) {
            CommandRule r = list.get(i);
            rules[i] = new CommandRuleMatcher(r, i, ctx);
            messages[i] = MessageTemplate.compile(r.header().message(), r.header().mark(), "command_rules[" + i + "].message");
            if (r.redirectTo() != null) {
                redirects[i] = new Redirect.Command(r.redirectTo().command(), r.redirectTo().args(),
                        r.redirectTo().argsAppend(), r.redirectTo().environment());
            }
            for (String n : rules[i].basenames) {
                names.computeIfAbsent(n, k -> new ArrayList<>()).add(i);
            }
            for (String p : rules[i].paths) {
                paths.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
            }
            if (rules[i].unindexed()) {
                rest.add(i);
            }
            // An opaque script can only dodge rules that stop or change something; audit stops nothing.
            restrictive |= r.header().decision() == Decision.DENY || r.header().decision() == Decision.APPROVE
                    || r.header().decision() == Decision.REDIRECT;
        }
        byBasename = toArrays(names);
        byPath = toArrays(paths);
        unindexed = rest.stream().mapToInt(Integer::intValue).toArray();
        hasRestrictiveRules = restrictive;
        unwrapper = new WrapperUnwrapper(policy.transparentCommands().add(), policy.transparentCommands().remove());
    }

    private static Map<String, int[]> toArrays(Map<String, List<Integer>> m) {
        Map<String, int[]> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, v.stream().mapToInt(Integer::intValue).distinct().sorted().toArray()));
        return out;
    }

    /** @param filename canonical already: the caller resolved it as the exec'ing process sees the file system */
    Verdict execve(String filename, List<String> argv, int depth, Trace t) {
        Program program = Program.of(filename, filename);
        if (t.on()) {
            t.add("exec " + filename + " at depth " + depth);
        }
        return evaluate(program, argv, depth, FALLBACK_EXECVE, -1, t).withDepth(depth);
    }

    Verdict precheck(List<String> argv, Trace t) {
        if (argv.isEmpty() || argv.getFirst().isEmpty()) {
            return Outcomes.fallback(Decision.DENY, FALLBACK_PRECHECK, "empty command");
        }
        Program program = Program.resolve(argv.getFirst(), options.executables());
        if (t.on()) {
            t.add("command " + argv.getFirst() + (program.path().equals(argv.getFirst()) ? "" : " (resolves to " + program.path() + ")"));
        }
        return evaluate(program, argv, 0, FALLBACK_PRECHECK, 0, t).withDepth(0);
    }

    /**
     * Judges a program and everything found inside it. {@code shellLevel} < 0 means no script
     * analysis (execve time: the kernel will show us each program the script runs).
     */
    private Verdict evaluate(Program program, List<String> argv, int depth, String fallback, int shellLevel, Trace t) {
        Unwrapping unwrapping = unwrapper.unwrap(program.path(), argv);
        if (t.on()) {
            unwrapping.notes().forEach(note -> t.add("unwrap: " + note));
        }
        List<Invocation> invocations = unwrapping.invocations();
        Verdict result = null;
        String wrapperName = program.basename();
        for (Invocation inv : invocations) {
            Program p = inv.layer() == 0 ? program : Program.resolve(inv.program(), options.executables());
            int d = depth + inv.layer();
            if (inv.layer() > 0 && t.on()) {
                t.add("payload " + inv.program() + (p.path().equals(inv.program()) ? "" : " (resolves to " + p.path() + ")")
                        + " of " + wrapperName + ", judged at depth " + d);
            }
            Verdict v = match(p, inv.argv(), d, fallback, inv.layer() > 0 ? wrapperName : null, t);
            if (shellLevel >= 0 && ShellCommandAnalyzer.isShell(p.basename())) {
                v = Outcomes.stricter(v, analyseShell(inv.argv(), d, shellLevel, t));
            }
            // The deeper verdict first: when wrapper and payload are equally strict, the payload's
            // rule is reported ("rm -rf denied" says more than "sudo denied").
            result = Outcomes.stricter(v, result);
        }
        if (!unwrapping.complete()) {
            result = Outcomes.stricter(result, Outcomes.fallback(Decision.DENY, "unwrap-incomplete",
                    "wrapper commands nested more than " + WrapperUnwrapper.MAX_LAYERS
                            + " deep or too ambiguous to find every payload"));
        }
        Invocation last = invocations.getLast();
        if (unwrapping.unwrapped()) {
            result = result.withUnwrap(program.path(), Program.basename(last.program()));
        }
        return result;
    }

    private Verdict analyseShell(List<String> argv, int depth, int level, Trace t) {
        ShellAnalysis analysis = ShellCommandAnalyzer.analyze(argv);
        switch (analysis) {
            case ShellAnalysis.NoScript n -> {
                if (t.on()) {
                    t.add("shell: " + n.why());
                }
                return null;
            }
            case ShellAnalysis.Bypass b -> {
                if (t.on()) {
                    t.add("shell: bypass form: " + b.why());
                }
                return Outcomes.fallback(Decision.DENY, "shellc-wrapper-bypass", "bypass attempt: " + b.why());
            }
            case ShellAnalysis.Opaque o -> {
                boolean deny = switch (options.shellc().opaque()) {
                    case DENY -> true;
                    case ALLOW -> false;
                    case ENFORCE -> hasRestrictiveRules && !options.shellc().execveEnforced();
                };
                if (t.on()) {
                    String outcome = deny ? "denied"
                            : options.shellc().opaque() == EngineOptions.OpaqueMode.ALLOW ? "allowed (shellc opaque mode is allow)"
                            : options.shellc().execveEnforced() ? "left to execve interception"
                            : "allowed: the policy has no deny, approve or redirect command rule to dodge";
                    t.add("shell: cannot analyse script (" + o.why() + "): " + outcome);
                }
                return deny ? Outcomes.fallback(Decision.DENY, "shellc-opaque-script",
                        "shell script cannot be analysed (" + o.why() + "): " + o.script()) : null;
            }
            case ShellAnalysis.Script s -> {
                if (t.on()) {
                    t.add("shell: script " + quote(s.script()) + " runs " + s.commands().size() + " command(s)");
                    s.notes().forEach(note -> t.add("shell: " + note));
                }
                if (level >= MAX_SHELL_LEVELS && !s.commands().isEmpty()) {
                    return Outcomes.fallback(Decision.DENY, "shellc-depth-exceeded",
                            "shell scripts nested more than " + MAX_SHELL_LEVELS + " levels deep");
                }
                Verdict result = null;
                for (List<String> command : s.commands()) {
                    Program p = Program.resolve(command.getFirst(), options.executables());
                    if (t.on()) {
                        t.add("script command " + String.join(" ", command) + " at depth " + (depth + 1));
                    }
                    result = Outcomes.stricter(result, evaluate(p, command, depth + 1, FALLBACK_PRECHECK, level + 1, t));
                }
                return result;
            }
        }
    }

    /**
     * The first rule (in order) that matches, or the fallback. {@code wrapper} names the wrapper
     * a payload was found in, for the reason text; null for a program run directly.
     */
    private Verdict match(Program program, List<String> argv, int depth, String fallback, String wrapper, Trace t) {
        String joined = null;
        int[] a = t.on() ? null : byBasename.get(program.basenameLower());
        int[] b = t.on() ? null : byPath.get(program.pathLower());
        int ia = 0;
        int ib = 0;
        int ic = 0;
        int all = 0;
        while (true) {
            int i;
            if (t.on()) {
                if (all >= rules.length) {
                    break;
                }
                i = all++;
            } else {
                int na = a != null && ia < a.length ? a[ia] : Integer.MAX_VALUE;
                int nb = b != null && ib < b.length ? b[ib] : Integer.MAX_VALUE;
                int nc = ic < unindexed.length ? unindexed[ic] : Integer.MAX_VALUE;
                i = Math.min(na, Math.min(nb, nc));
                if (i == Integer.MAX_VALUE) {
                    break;
                }
                if (na == i) {
                    ia++;
                }
                if (nb == i) {
                    ib++;
                }
                if (nc == i) {
                    ic++;
                }
            }
            CommandRuleMatcher rule = rules[i];
            if (!rule.rule.context().contains(depth)) {
                if (t.on() && rule.matches(program)) {
                    t.add("rule " + rule.name() + ": skipped, context depth " + rule.rule.context() + " does not include " + depth);
                }
                continue;
            }
            if (!rule.matches(program)) {
                continue;
            }
            if (rule.hasArgsPatterns()) {
                if (joined == null) {
                    joined = joinArgs(argv);
                }
                ArgsMatcher m = rule.matchArgs(joined);
                if (m == null) {
                    if (t.on()) {
                        t.add("rule " + rule.name() + ": " + rule.describeMatch(program) + " matched, but no args pattern "
                                + rule.argsPatterns() + " matched " + quote(joined));
                    }
                    continue;
                }
                if (t.on()) {
                    t.add("rule " + rule.name() + ": " + rule.describeMatch(program) + " and args pattern " + quote(m.toString()) + " matched");
                }
            } else if (t.on()) {
                t.add("rule " + rule.name() + ": " + rule.describeMatch(program) + " matched");
            }
            return verdict(i, program, argv, joined, wrapper);
        }
        if (t.on()) {
            t.add("no rule matched " + program.path() + " at depth " + depth + ": " + fallback);
        }
        String what = fallback.equals(FALLBACK_EXECVE) ? "exec of " + program.path() : "command " + Program.basename(program.raw());
        return Outcomes.fallback(Decision.DENY, fallback, "no command rule allows " + what + unwrappedFrom(wrapper));
    }

    /** @param joinedArgs the arguments joined, or null when no args pattern needed them yet */
    private Verdict verdict(int i, Program program, List<String> argv, String joinedArgs, String wrapper) {
        var header = rules[i].rule.header();
        String reason;
        if (!messages[i].isEmpty()) {
            String command = argv.isEmpty() || argv.getFirst().isEmpty() ? program.basename() : argv.getFirst();
            String args = joinedArgs != null ? joinedArgs : joinArgs(argv);
            reason = messages[i].render(new MessageTemplate.Values(command, args, null, "exec", null, null, header.name()));
        } else if (wrapper != null && header.decision() == Decision.DENY) {
            reason = "denied: " + program.basename() + unwrappedFrom(wrapper) + " by rule " + header.name();
        } else {
            reason = Outcomes.defaultReason(header, "command " + Program.basename(program.raw()));
        }
        return Outcomes.matched(header, reason, redirects[i], options.approvalsEnforced());
    }

    private static String unwrappedFrom(String wrapper) {
        return wrapper == null ? "" : " (unwrapped from: " + wrapper + ")";
    }

    private static String joinArgs(List<String> argv) {
        return argv.size() <= 1 ? "" : String.join(" ", argv.subList(1, argv.size()));
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }
}
