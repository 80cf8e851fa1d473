package dev.agentsh.policy.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which rules can possibly match a subject with a given key (a path's first segment, a host's last
 * two labels), in rule order. Rules that no key can rule out are candidates for every subject.
 * The candidate lists are built once, so a lookup is one hash probe and allocates nothing.
 */
final class RuleIndex {
    private final Map<String, int[]> byKey;
    private final int[] always;

    private RuleIndex(Map<String, int[]> byKey, int[] always) {
        this.byKey = byKey;
        this.always = always;
    }

    /** @param keys for each rule in order, the keys it can match, or null when it can match any subject */
    static RuleIndex build(List<List<String>> keys) {
        List<Integer> always = new ArrayList<>();
        Map<String, TreeSet<Integer>> byKey = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i) == null) {
                always.add(i);
            } else {
                for (String k : keys.get(i)) {
                    byKey.computeIfAbsent(k, x -> new TreeSet<>()).add(i);
                }
            }
        }
        Map<String, int[]> merged = new HashMap<>();
        byKey.forEach((k, rules) -> {
            rules.addAll(always);
            merged.put(k, rules.stream().mapToInt(Integer::intValue).toArray());
        });
        return new RuleIndex(Map.copyOf(merged), always.stream().mapToInt(Integer::intValue).toArray());
    }

    int[] candidates(String key) {
        int[] rules = key == null ? null : byKey.get(key);
        return rules != null ? rules : always;
    }

    /** The first segment of an absolute path ({@code /home/u/x} gives {@code home}), or null. */
    static String firstSegment(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        int end = path.indexOf('/', 1);
        return end < 0 ? path.substring(1) : path.substring(1, end);
    }

    /** The first segment every match of a path glob must have, or null when the glob leaves it open. */
    static String firstSegmentOf(String globLiteralStart, String pattern) {
        if (!globLiteralStart.startsWith("/")) {
            return null;
        }
        int end = globLiteralStart.indexOf('/', 1);
        if (end >= 0) {
            return globLiteralStart.substring(1, end);
        }
        // No second '/': the first segment is complete only if the whole pattern is that literal.
        return globLiteralStart.equals(pattern) ? pattern.substring(1) : null;
    }

    /** The last two labels of a host name ({@code api.github.com} gives {@code github.com}). */
    static String domainKey(String host) {
        int last = host.lastIndexOf('.');
        if (last < 0) {
            return host;
        }
        int before = host.lastIndexOf('.', last - 1);
        return before < 0 ? host : host.substring(before + 1);
    }

    /** The last two labels every match of a domain glob must end with, or null when they are not literal. */
    static String domainKeyOf(String pattern) {
        String key = domainKey(pattern);
        for (int i = 0; i < key.length(); i++) {
            if ("*?[]{}\\,".indexOf(key.charAt(i)) >= 0) {
                return null;
            }
        }
        return key;
    }
}
