package dev.agentsh.server.config;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.load.YamlMap;
import dev.agentsh.policy.model.Mark;
import dev.agentsh.policy.model.Text;
import dev.agentsh.server.config.ServerConfig.ApiKey;
import dev.agentsh.server.config.ServerConfig.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys file: a YAML list of {@code {id, key, description, role}}. Roles are lower-cased and
 * a missing role means admin, as in the original. {@code ${VAR}} works here too, so the secrets
 * themselves can stay out of the file.
 */
final class ApiKeysFile {
    private ApiKeysFile() {
    }

    static List<ApiKey> load(Path file, Map<String, String> env) throws ConfigException {
        String label = file.toString();
        String text = ConfigLoader.readFile(file);
        try {
            List<YamlMap> entries = YamlMap.listOfMaps(label, "", YamlMap.parseNode(label, text));
            if (entries.isEmpty()) {
                throw new PolicyException(new Mark(label, 0, 0), "", "lists no keys; expected a list of {id, key, description, role}");
            }
            List<ApiKey> keys = new ArrayList<>();
            Map<String, String> idOfKey = new HashMap<>();
            Map<String, String> pathOfId = new HashMap<>();
            for (YamlMap e : entries) {
                e.allowOnly(List.of("id", "key", "description", "role"));
                String id = required(e, "id", env);
                String key = required(e, "key", env);
                String roleText = string(e, "role", env).map(r -> r.toLowerCase(Locale.ROOT)).orElse("admin");
                Role role = Keyword.parse(Role.class, roleText).orElseThrow(() -> e.error("role",
                        Values.quote(roleText) + " is not a role; expected one of " + Keyword.choices(Role.class)));
                if (pathOfId.putIfAbsent(id, e.path()) != null) {
                    throw e.error("id", Values.quote(id) + " is already used by " + pathOfId.get(id));
                }
                if (idOfKey.putIfAbsent(key, id) != null) {
                    // Without unique keys a request could not be attributed to one id and role.
                    throw e.error("key", "is the same key as id " + Values.quote(idOfKey.get(key)));
                }
                keys.add(new ApiKey(id, key, string(e, "description", env).orElse(""), role));
            }
            return List.copyOf(keys);
        } catch (PolicyException e) {
            throw new ConfigException(e);
        }
    }

    private static Optional<String> string(YamlMap e, String key, Map<String, String> env) throws PolicyException {
        Optional<Text> t = e.text(key);
        return t.isEmpty() ? Optional.empty() : Optional.of(EnvExpansion.expand(t.get(), e.keyPath(key), env));
    }

    private static String required(YamlMap e, String key, Map<String, String> env) throws PolicyException {
        Optional<String> v = string(e, key, env);
        if (v.isEmpty() || v.get().isBlank()) {
            throw e.error(key, "is required");
        }
        return v.get();
    }
}
