package dev.agentsh.server.config;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.load.YamlMap;
import dev.agentsh.policy.model.Text;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Typed reads from one configuration document, with {@code ${VAR}} expansion, relative paths
 * resolved, and a note of where each value came from (file position or environment variable)
 * so that checks spanning several sections can still point at the right line.
 */
final class ConfigReader {
    private static final Node EMPTY_MAPPING;

    static {
        try {
            EMPTY_MAPPING = YamlMap.parseNode("<empty>", "{}");
        } catch (PolicyException e) {
            throw new IllegalStateException(e);
        }
    }

    private final Host host;
    private final String label;
    private final Path baseDir;
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, String> origins = new HashMap<>();

    /**
     * @param label   the source as messages name it: the file path as given, or the built-in label
     * @param baseDir what relative paths are resolved against
     */
    ConfigReader(Host host, String label, Path baseDir) {
        this.host = host;
        this.label = label;
        this.baseDir = baseDir;
    }

    /** An empty mapping standing for a section the file leaves out, so every key takes its default. */
    YamlMap empty(String path) throws PolicyException {
        return YamlMap.of(label, path, EMPTY_MAPPING);
    }

    /**
     * The mapping under {@code key} (empty when absent), holding only {@code implemented} keys and
     * {@code notYet}: keys of the original's schema that this agentsh accepts but ignores, with a warning.
     */
    YamlMap section(YamlMap parent, String key, List<String> implemented, List<String> notYet) throws PolicyException {
        Optional<YamlMap> given = parent.map(key);
        YamlMap m = given.isPresent() ? given.get() : empty(parent.keyPath(key));
        m.allowOnly(Stream.concat(implemented.stream(), notYet.stream()).toList());
        for (String k : m.keys()) {
            if (notYet.contains(k)) {
                notSupported(m.keyPath(k));
            }
        }
        return m;
    }

    void notSupported(String keyPath) {
        warnings.add(keyPath + ": not supported by this agentsh yet; ignored");
    }

    void warn(String line) {
        warnings.add(line);
    }

    List<String> warnings() {
        return warnings;
    }

    /** A scalar's text with {@code ${VAR}} expanded; empty when the key is absent or null. */
    Optional<Text> text(YamlMap m, String key) throws PolicyException {
        Optional<Text> raw = m.text(key);
        if (raw.isEmpty()) {
            return raw;
        }
        origins.put(m.keyPath(key), raw.get().mark().toString());
        return Optional.of(new Text(EnvExpansion.expand(raw.get(), m.keyPath(key), host.env()), raw.get().mark()));
    }

    /** A scalar parsed by {@code parser}; its complaint is reported at the value's position. */
    <T> Optional<T> value(YamlMap m, String key, Function<String, T> parser) throws PolicyException {
        Optional<Text> t = text(m, key);
        return t.isEmpty() ? Optional.empty() : Optional.of(parse(t.get(), m.keyPath(key), parser));
    }

    /** A list of scalars, each parsed; {@code otherwise} when the key is absent. */
    <T> List<T> list(YamlMap m, String key, Function<String, T> parser, List<T> otherwise) throws PolicyException {
        if (!m.has(key)) {
            return otherwise;
        }
        List<T> out = new ArrayList<>();
        List<Text> items = m.texts(key);
        for (int i = 0; i < items.size(); i++) {
            String itemPath = m.keyPath(key) + "[" + i + "]";
            out.add(parse(new Text(EnvExpansion.expand(items.get(i), itemPath, host.env()), items.get(i).mark()), itemPath, parser));
        }
        return List.copyOf(out);
    }

    private static <T> T parse(Text t, String keyPath, Function<String, T> parser) throws PolicyException {
        try {
            return parser.apply(t.value());
        } catch (IllegalArgumentException e) {
            throw new PolicyException(t.mark(), keyPath, e.getMessage());
        }
    }

    boolean flag(YamlMap m, String key, boolean otherwise) throws PolicyException {
        m.value(key).ifPresent(n -> origins.put(m.keyPath(key), m.markOf(n).toString()));
        return m.bool(key, otherwise);
    }

    int positive(YamlMap m, String key, int otherwise) throws PolicyException {
        int v = m.integer(key, otherwise);
        if (v <= 0) {
            throw m.error(key, "must be more than zero, found " + v);
        }
        return v;
    }

    /** A path relative to the configuration file's directory; the parser for path-valued keys. */
    Path path(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("expected a path, found an empty value");
        }
        return baseDir.resolve(text).normalize();
    }

    /** An environment override for {@code keyPath}: absent when the variable is unset or empty. */
    <T> Optional<T> env(String name, String keyPath, Function<String, T> parser) throws ConfigException {
        Optional<String> v = host.get(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            T value = parser.apply(v.get());
            origins.put(keyPath, name + " (environment)");
            return Optional.of(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name + ": " + e.getMessage());
        }
    }

    /** {@code keyPath} was set: by the file or an environment variable, rather than left at its default. */
    boolean isSet(String keyPath) {
        return origins.containsKey(keyPath);
    }

    /** A problem with a value, reported where that value came from. */
    ConfigException error(String keyPath, String problem) {
        return new ConfigException(origins.getOrDefault(keyPath, label) + ": " + keyPath + ": " + problem);
    }
}
