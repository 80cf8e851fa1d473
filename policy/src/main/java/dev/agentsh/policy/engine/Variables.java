package dev.agentsh.policy.engine;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.model.Text;
import java.util.function.Function;

/**
 * Expands {@code ${NAME}} and {@code ${NAME:-fallback}} in policy text. The fallback is itself
 * expanded, so {@code ${GIT_ROOT:-${PROJECT_ROOT}}} works. A value that is empty counts as unset.
 * An unset variable without a fallback is an error: a rule must never silently lose its path.
 */
final class Variables {
    private final Function<String, String> lookup;

    Variables(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    String expand(Text text, String keyPath) throws PolicyException {
        String s = text.value();
        if (s.indexOf("${") < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        expandInto(s, 0, false, out, text, keyPath);
        return out.toString();
    }

    /** Expands s[from..] into out; inside a fallback, stops at the '}' that closes it. */
    private int expandInto(String s, int from, boolean inFallback, StringBuilder out, Text text, String keyPath)
            throws PolicyException {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '}' && inFallback) {
                return i;
            }
            if (c != '$' || i + 1 >= s.length() || s.charAt(i + 1) != '{') {
                out.append(c);
                i++;
                continue;
            }
            int nameStart = i + 2;
            int j = nameStart;
            while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                j++;
            }
            String name = s.substring(nameStart, j);
            if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
                throw new PolicyException(text.mark(), keyPath, "bad variable reference in \"" + s + "\"; expected ${NAME} or ${NAME:-fallback}");
            }
            if (j < s.length() && s.charAt(j) == '}') {
                String value = lookup.apply(name);
                if (value == null || value.isEmpty()) {
                    throw new PolicyException(text.mark(), keyPath, "undefined variable " + name + " in \"" + s
                            + "\"; set it (e.g. --var " + name + "=...) or write ${" + name + ":-fallback}");
                }
                out.append(value);
                i = j + 1;
            } else if (s.startsWith(":-", j)) {
                StringBuilder fallback = new StringBuilder();
                int close = expandInto(s, j + 2, true, fallback, text, keyPath);
                if (close >= s.length()) {
                    throw new PolicyException(text.mark(), keyPath, "\"${\" is never closed in \"" + s + "\"");
                }
                String value = lookup.apply(name);
                out.append(value == null || value.isEmpty() ? fallback : value);
                i = close + 1;
            } else {
                throw new PolicyException(text.mark(), keyPath, "bad variable reference in \"" + s + "\"; expected ${NAME} or ${NAME:-fallback}");
            }
        }
        return i;
    }
}
