package dev.agentsh.policy.engine;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.match.Glob;
import dev.agentsh.policy.match.GlobSyntaxException;
import dev.agentsh.policy.model.ArgsPatternSyntax;
import dev.agentsh.policy.model.Text;

/**
 * One {@code args_patterns} entry, matched against a command's arguments (argv[1..]) joined by
 * single spaces: a glob over the whole string, or with {@code re:} (or in a policy with
 * {@code args_pattern_syntax: regex}) an RE2 expression found anywhere in it. RE2 runs in linear
 * time, so a policy cannot make the engine hang.
 */
final class ArgsMatcher {
    private static final String REGEX_PREFIX = "re:";

    private final String source;
    private final Glob glob;
    private final Pattern regex;

    private ArgsMatcher(String source, Glob glob, Pattern regex) {
        this.source = source;
        this.glob = glob;
        this.regex = regex;
    }

    static ArgsMatcher compile(Text pattern, ArgsPatternSyntax syntax, String keyPath) throws PolicyException {
        String p = pattern.value();
        boolean isRegex = syntax == ArgsPatternSyntax.REGEX || p.startsWith(REGEX_PREFIX);
        if (isRegex) {
            String expr = p.startsWith(REGEX_PREFIX) ? p.substring(REGEX_PREFIX.length()) : p;
            try {
                return new ArgsMatcher(p, null, Pattern.compile(expr));
            } catch (PatternSyntaxException e) {
                throw new PolicyException(pattern.mark(), keyPath, "bad regular expression \"" + expr + "\": "
                        + e.getDescription() + (syntax == ArgsPatternSyntax.GLOB ? "" : " (args_pattern_syntax is regex)"));
            }
        }
        try {
            return new ArgsMatcher(p, Glob.compile(p, Glob.NO_SEPARATOR), null);
        } catch (GlobSyntaxException e) {
            throw new PolicyException(pattern.mark(), keyPath, e.getMessage() + " (write re:... for a regular expression)");
        }
    }

    boolean matches(String joinedArgs) {
        return glob != null ? glob.matches(joinedArgs) : regex.matcher(joinedArgs).find();
    }

    @Override
    public String toString() {
        return source;
    }
}
