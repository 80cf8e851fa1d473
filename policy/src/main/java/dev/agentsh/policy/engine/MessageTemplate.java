package dev.agentsh.policy.engine;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.model.Mark;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule's {@code message}, with {@code {{.Field}}} placeholders filled from the operation. Fields
 * are checked when the policy is compiled, so a typo is a load error rather than odd text shown to
 * an agent later.
 */
final class MessageTemplate {
    static final Set<String> FIELDS = Set.of("Command", "Args", "Path", "Operation", "Domain", "Port", "Rule");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*\\.?([A-Za-z]+)\\s*}}");

    /** Values of the fields for one operation; absent fields render as empty text. */
    record Values(String command, String args, String path, String operation, String domain, String port, String rule) {
        String get(String field) {
            String v = switch (field) {
                case "Command" -> command;
                case "Args" -> args;
                case "Path" -> path;
                case "Operation" -> operation;
                case "Domain" -> domain;
                case "Port" -> port;
                default -> rule;
            };
            return v == null ? "" : v;
        }
    }

    private final List<String> literals;
    private final List<String> fields;

    private MessageTemplate(List<String> literals, List<String> fields) {
        this.literals = literals;
        this.fields = fields;
    }

    static MessageTemplate compile(String text, Mark mark, String keyPath) throws PolicyException {
        List<String> literals = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        int at = 0;
        while (m.find()) {
            String field = m.group(1);
            if (!FIELDS.contains(field)) {
                throw new PolicyException(mark, keyPath, "unknown template field {{." + field + "}}; expected one of "
                        + String.join(", ", FIELDS.stream().sorted().map(f -> "{{." + f + "}}").toList()));
            }
            literals.add(text.substring(at, m.start()));
            fields.add(field);
            at = m.end();
        }
        literals.add(text.substring(at));
        return new MessageTemplate(List.copyOf(literals), List.copyOf(fields));
    }

    boolean isEmpty() {
        return fields.isEmpty() && literals.getFirst().isEmpty();
    }

    String render(Values values) {
        if (fields.isEmpty()) {
            return literals.getFirst();
        }
        StringBuilder out = new StringBuilder(literals.getFirst());
        for (int i = 0; i < fields.size(); i++) {
            out.append(values.get(fields.get(i))).append(literals.get(i + 1));
        }
        return out.toString();
    }
}
