package dev.agentsh.policy.engine;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.match.Glob;
import dev.agentsh.policy.match.GlobSyntaxException;
import dev.agentsh.policy.model.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A rule's list of path (or domain) globs, compiled after variable expansion. */
final class PathGlobs {
    private final Glob[] globs;

    private PathGlobs(Glob[] globs) {
        this.globs = globs;
    }

    static PathGlobs compile(List<Text> patterns, char separator, Variables variables, String keyPath)
            throws PolicyException {
        return compile(patterns, separator, variables, keyPath, false);
    }

    /** With {@code lowerCase}, patterns are lowercased after expansion (for case-insensitive names such as domains). */
    static PathGlobs compile(List<Text> patterns, char separator, Variables variables, String keyPath, boolean lowerCase)
            throws PolicyException {
        List<Glob> out = new ArrayList<>();
        for (Text t : patterns) {
            String expanded = variables == null ? t.value() : variables.expand(t, keyPath);
            if (lowerCase) {
                expanded = expanded.strip().toLowerCase(java.util.Locale.ROOT);
            }
            try {
                out.add(Glob.compile(expanded, separator));
            } catch (GlobSyntaxException e) {
                throw new PolicyException(t.mark(), keyPath, e.getMessage());
            }
        }
        return new PathGlobs(out.toArray(Glob[]::new));
    }

    /** The first glob matching {@code s}, or null. */
    Glob match(String s) {
        for (Glob g : globs) {
            if (g.matches(s)) {
                return g;
            }
        }
        return null;
    }

    boolean isEmpty() {
        return globs.length == 0;
    }

    @Override
    public String toString() {
        return java.util.Arrays.toString(globs);
    }

    /** Bit i set = operation i of {@code vocabulary} (sorted) is selected; all bits = every operation. */
    static long operationMask(Set<String> ops, List<String> vocabulary) {
        if (ops.isEmpty()) {
            return -1L;
        }
        long mask = 0;
        for (String op : ops) {
            mask |= 1L << vocabulary.indexOf(op);
        }
        return mask;
    }

    static long operationBit(String op, List<String> vocabulary) {
        int i = vocabulary.indexOf(op);
        return i < 0 ? 0 : 1L << i;
    }
}
