package dev.agentsh.policy.engine;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.match.Glob;
import dev.agentsh.policy.match.GlobSyntaxException;
import dev.agentsh.policy.model.CommandRule;
import dev.agentsh.policy.model.Text;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The compiled {@code commands} and {@code args_patterns} of one command rule.
 *
 * <p>A bare name ({@code gcc}) matches a program whose canonical basename is that name, and also
 * the canonical target of that name on the system PATH ({@code /usr/bin/x86_64-linux-gnu-gcc-12}),
 * because distributions install programs as symlink chains. An absolute path matches that path and
 * its canonical target. The program is always judged by its canonical path, so a symlink an agent
 * made neither inherits the rules of its own name nor escapes the rules of its target.
 */
final class CommandRuleMatcher {
    final CommandRule rule;
    final int index;
    final boolean matchesEveryProgram;
    /** Lowercased absolute paths: the rule's paths, their canonical targets, and names' PATH targets. */
    final Set<String> paths = new HashSet<>();
    /** Lowercased literal basenames. */
    final Set<String> basenames = new HashSet<>();
    private final List<Glob> pathGlobs = new ArrayList<>();
    private final List<Glob> basenameGlobs = new ArrayList<>();
    private final List<ArgsMatcher> args = new ArrayList<>();

    CommandRuleMatcher(CommandRule rule, int index, CompileContext ctx) throws PolicyException {
        this.rule = rule;
        this.index = index;
        String key = "command_rules[" + index + "]";
        for (Text t : rule.commands()) {
            String c = t.value().strip();
            if (c.isEmpty()) {
                continue;
            }
            boolean wild = c.indexOf('*') >= 0 || c.indexOf('?') >= 0 || c.indexOf('[') >= 0 || c.indexOf('{') >= 0;
            boolean hasSlash = c.indexOf('/') >= 0;
            if (wild) {
                try {
                    (hasSlash ? pathGlobs : basenameGlobs).add(Glob.compile(c, hasSlash ? '/' : Glob.NO_SEPARATOR));
                } catch (GlobSyntaxException e) {
                    throw new PolicyException(t.mark(), key + ".commands", e.getMessage());
                }
            } else if (hasSlash) {
                paths.add(lower(c));
                String target = ctx.executables().canonicalize(c);
                if (target != null) {
                    paths.add(lower(target));
                }
            } else {
                basenames.add(lower(c));
                String target = ctx.executables().which(c);
                if (target != null) {
                    paths.add(lower(target));
                }
            }
        }
        for (Text p : rule.argsPatterns()) {
            args.add(ArgsMatcher.compile(p, ctx.argsPatternSyntax(), key + ".args_patterns"));
        }
        matchesEveryProgram = paths.isEmpty() && basenames.isEmpty() && pathGlobs.isEmpty() && basenameGlobs.isEmpty();
    }

    /** Needs checking for every program, because no index key can find it. */
    boolean unindexed() {
        return matchesEveryProgram || !pathGlobs.isEmpty() || !basenameGlobs.isEmpty();
    }

    String name() {
        return rule.header().name();
    }

    boolean matches(Program program) {
        if (matchesEveryProgram || paths.contains(program.pathLower()) || basenames.contains(program.basenameLower())) {
            return true;
        }
        return matchingGlob(program) != null;
    }

    /** Which part of {@code commands} matched the program, for traces. */
    String describeMatch(Program program) {
        if (matchesEveryProgram) {
            return "(no commands: every program)";
        }
        if (paths.contains(program.pathLower())) {
            return "path " + program.path();
        }
        if (basenames.contains(program.basenameLower())) {
            return "name " + program.basename();
        }
        return "glob " + matchingGlob(program);
    }

    private Glob matchingGlob(Program program) {
        for (Glob g : pathGlobs) {
            if (g.matches(program.pathLower()) || g.matches(program.path())) {
                return g;
            }
        }
        for (Glob g : basenameGlobs) {
            if (g.matches(program.basenameLower()) || g.matches(program.basename())) {
                return g;
            }
        }
        return null;
    }

    boolean hasArgsPatterns() {
        return !args.isEmpty();
    }

    /** The args pattern that matched, or null; a rule without patterns matches any arguments. */
    ArgsMatcher matchArgs(String joinedArgs) {
        for (ArgsMatcher a : args) {
            if (a.matches(joinedArgs)) {
                return a;
            }
        }
        return null;
    }

    List<ArgsMatcher> argsPatterns() {
        return args;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
