package dev.agentsh.server.config;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.model.Text;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in configuration values. Unlike the original, which
 * expands the whole file text before parsing, this works on values after parsing: line and column
 * numbers stay true, comments are left alone, and a value can never inject YAML structure.
 * A bare {@code $VAR} is left as written, and <code>$${</code> writes a literal <code>${</code>.
 */
final class EnvExpansion {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvExpansion() {
    }

    static String expand(Text text, String keyPath, Map<String, String> env) throws PolicyException {
        String s = text.value();
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (s.startsWith("${", i)) {
                int close = s.indexOf('}', i);
                if (close < 0) {
                    throw new PolicyException(text.mark(), keyPath, "unterminated \"${\"; write ${NAME} or ${NAME:-default}");
                }
                out.append(variable(s.substring(i + 2, close), text, keyPath, env));
                i = close + 1;
            } else {
                out.append(s.charAt(i));
                i++;
            }
        }
        return out.toString();
    }

    private static String variable(String body, Text text, String keyPath, Map<String, String> env) throws PolicyException {
        int sep = body.indexOf(":-");
        String name = sep < 0 ? body : body.substring(0, sep);
        if (!NAME.matcher(name).matches()) {
            throw new PolicyException(text.mark(), keyPath, "\"${" + body + "}\" is not a variable reference; write ${NAME} or ${NAME:-default}");
        }
        String value = env.get(name);
        if (sep >= 0) {
            // Shell semantics: the default also applies when the variable is set but empty.
            return value == null || value.isEmpty() ? body.substring(sep + 2) : value;
        }
        if (value == null) {
            throw new PolicyException(text.mark(), keyPath, "environment variable " + name + " is not set; set it or write ${" + name + ":-default}");
        }
        return value;
    }
}
