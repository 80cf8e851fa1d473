package dev.agentsh.policy.engine;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.match.Glob;
import dev.agentsh.policy.match.GlobSyntaxException;
import dev.agentsh.policy.model.Text;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    List<Glob> globs() {
        return List.of(globs);
    }

    boolean isEmpty() {
        return globs.length == 0;
    }

    @Override
    public String toString() {
        return java.util.Arrays.toString(globs);
    }

    /** The bit of an operation outside the vocabulary: only rules for every operation match it. */
    static final long UNLISTED_OPERATION = Long.MIN_VALUE;

    /** Operation names as bits, so a rule's operation list is tested with one AND. */
    static Map<String, Long> operationBits(Set<String> vocabulary) {
        Map<String, Long> bits = new HashMap<>();
        for (String op : vocabulary.stream().sorted().toList()) {
            bits.put(op, 1L << bits.size());
        }
        return Map.copyOf(bits);
    }

    /** The bits of {@code ops}; every bit when {@code ops} is empty (a rule without operations matches all). */
    static long operationMask(Set<String> ops, Map<String, Long> bits) {
        if (ops.isEmpty()) {
            return -1L;
        }
        long mask = 0;
        for (String op : ops) {
            mask |= bits.get(op);
        }
        return mask;
    }
}
