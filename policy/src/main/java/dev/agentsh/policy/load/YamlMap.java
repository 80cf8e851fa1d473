package dev.agentsh.policy.load;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.model.Mark;
import dev.agentsh.policy.model.Text;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML mapping read strictly: duplicate keys, keys outside the allowed set and values of the
 * wrong type are errors that name the source, line, column and key path. Parsing keeps node
 * positions (SnakeYAML Engine's composer), which is why this does not bind to objects directly.
 */
public final class YamlMap {
    private final String source;
    private final String path;
    private final Node node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    private YamlMap(String source, String path, Node node) throws PolicyException {
        this.source = source;
        this.path = path;
        this.node = node;
        if (!(node instanceof MappingNode mapping)) {
            throw error(node, path, "expected a mapping (key: value lines), found " + describe(node));
        }
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw error(tuple.getKeyNode(), path, "keys must be plain strings");
            }
            String name = key.getValue();
            if (entries.putIfAbsent(name, tuple) != null) {
                throw error(key, join(path, name), "duplicate key");
            }
        }
    }

    /** Parses one YAML document whose top level must be a mapping. */
    public static YamlMap parse(String source, String text) throws PolicyException {
        return new YamlMap(source, "", parseNode(source, text));
    }

    /** Parses one YAML document of any shape (for files that may be a list or a mapping). */
    public static Node parseNode(String source, String text) throws PolicyException {
        LoadSettings settings = LoadSettings.builder().setLabel(source).setMaxAliasesForCollections(20).build();
        try {
            Optional<Node> root = new Compose(settings).composeString(text);
            if (root.isEmpty()) {
                throw new PolicyException(new Mark(source, 1, 1), "", "the file is empty");
            }
            return root.get();
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().map(m -> new Mark(source, m.getLine() + 1, m.getColumn() + 1))
                    .orElse(new Mark(source, 0, 0));
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            throw new PolicyException(mark, "", "YAML syntax error: " + problem.strip());
        } catch (YamlEngineException e) {
            throw new PolicyException(new Mark(source, 0, 0), "", "YAML error: " + firstLine(e.getMessage()));
        }
    }

    public static YamlMap of(String source, String path, Node node) throws PolicyException {
        return new YamlMap(source, path, node);
    }

    public Mark mark() {
        return markOf(node);
    }

    public Mark markOf(Node n) {
        return markOf(source, n);
    }

    private static Mark markOf(String source, Node n) {
        return n.getStartMark().map(m -> new Mark(source, m.getLine() + 1, m.getColumn() + 1)).orElse(new Mark(source, 0, 0));
    }

    public String source() {
        return source;
    }

    public String path() {
        return path;
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    /** Rejects keys outside {@code allowed}, naming the ones that are allowed. */
    public YamlMap allowOnly(Collection<String> allowed) throws PolicyException {
        for (NodeTuple tuple : entries.values()) {
            String key = ((ScalarNode) tuple.getKeyNode()).getValue();
            if (!allowed.contains(key)) {
                throw error(tuple.getKeyNode(), join(path, key), "unknown key; expected one of " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        return this;
    }

    public boolean has(String key) {
        return value(key).isPresent();
    }

    /** The value node of {@code key}; absent when the key is missing or its value is null. */
    public Optional<Node> value(String key) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null || isNull(tuple.getValueNode())) {
            return Optional.empty();
        }
        return Optional.of(tuple.getValueNode());
    }

    public String keyPath(String key) {
        return join(path, key);
    }

    public PolicyException error(String key, String problem) {
        NodeTuple tuple = entries.get(key);
        return error(tuple == null ? node : tuple.getValueNode(), join(path, key), problem);
    }

    public PolicyException error(Node at, String keyPath, String problem) {
        return new PolicyException(markOf(at), keyPath, problem);
    }

    public Optional<YamlMap> map(String key) throws PolicyException {
        Optional<Node> v = value(key);
        return v.isEmpty() ? Optional.empty() : Optional.of(new YamlMap(source, join(path, key), v.get()));
    }

    public Optional<Text> text(String key) throws PolicyException {
        Optional<Node> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Text(scalar(v.get(), join(path, key)), markOf(v.get())));
    }

    public String string(String key, String otherwise) throws PolicyException {
        return text(key).map(Text::value).orElse(otherwise);
    }

    public String requiredString(String key) throws PolicyException {
        Optional<Text> t = text(key);
        if (t.isEmpty() || t.get().value().isBlank()) {
            throw error(key, "is required");
        }
        return t.get().value();
    }

    public int integer(String key, int otherwise) throws PolicyException {
        long v = longInteger(key, otherwise);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw error(key, "number out of range");
        }
        return (int) v;
    }

    public long longInteger(String key, long otherwise) throws PolicyException {
        Optional<Node> v = value(key);
        if (v.isEmpty()) {
            return otherwise;
        }
        if (!(v.get() instanceof ScalarNode s) || !s.getTag().equals(Tag.INT)) {
            throw error(key, "expected an integer, found " + describe(v.get()));
        }
        try {
            return Long.decode(s.getValue().replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(key, "expected an integer, found \"" + s.getValue() + "\"");
        }
    }

    public boolean bool(String key, boolean otherwise) throws PolicyException {
        return optionalBool(key).orElse(otherwise);
    }

    public Optional<Boolean> optionalBool(String key) throws PolicyException {
        Optional<Node> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!(v.get() instanceof ScalarNode s) || !s.getTag().equals(Tag.BOOL)) {
            throw error(key, "expected true or false, found " + describe(v.get()));
        }
        return Optional.of(Boolean.parseBoolean(s.getValue().toLowerCase()));
    }

    /** A duration in Go syntax: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}; null when absent. */
    public Duration duration(String key) throws PolicyException {
        Optional<Text> t = text(key);
        if (t.isEmpty()) {
            return null;
        }
        Duration d = GoDurations.parse(t.get().value());
        if (d == null) {
            throw error(key, "bad duration \"" + t.get().value() + "\"; expected a number with a unit, e.g. 500ms, 30s, 5m, 1h30m");
        }
        return d;
    }

    /** A list of strings; a missing key gives an empty list. */
    public List<Text> texts(String key) throws PolicyException {
        Optional<Node> v = value(key);
        if (v.isEmpty()) {
            return List.of();
        }
        if (!(v.get() instanceof SequenceNode seq)) {
            throw error(key, "expected a list, e.g. [a, b], found " + describe(v.get()));
        }
        List<Text> out = new ArrayList<>();
        int i = 0;
        for (Node item : seq.getValue()) {
            out.add(new Text(scalar(item, join(path, key) + "[" + i + "]"), markOf(item)));
            i++;
        }
        return List.copyOf(out);
    }

    public List<String> strings(String key) throws PolicyException {
        return texts(key).stream().map(Text::value).toList();
    }

    /** A list of mappings, e.g. a rule list; each element is returned as a YamlMap. */
    public List<YamlMap> maps(String key) throws PolicyException {
        Optional<Node> v = value(key);
        return v.isEmpty() ? List.of() : listOfMaps(source, join(path, key), v.get());
    }

    /** A sequence node whose items are mappings, e.g. a test suite written as a plain list. */
    public static List<YamlMap> listOfMaps(String source, String path, Node node) throws PolicyException {
        if (!(node instanceof SequenceNode seq)) {
            throw new PolicyException(markOf(source, node), path,
                    "expected a list of mappings (lines starting with '- '), found " + describe(node));
        }
        List<YamlMap> out = new ArrayList<>();
        int i = 0;
        for (Node item : seq.getValue()) {
            out.add(new YamlMap(source, path + "[" + i + "]", item));
            i++;
        }
        return out;
    }

    /** A mapping of string keys to string values. */
    public Map<String, String> stringMap(String key) throws PolicyException {
        Optional<YamlMap> m = map(key);
        if (m.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : m.get().keys()) {
            out.put(k, m.get().string(k, ""));
        }
        return out;
    }

    /** The text of a scalar node; any other node is an error naming {@code keyPath}. */
    public String scalar(Node n, String keyPath) throws PolicyException {
        if (n instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
            return s.getValue();
        }
        throw error(n, keyPath, "expected a single value, found " + describe(n));
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) n;
        if (s.getTag().equals(Tag.NULL)) {
            return "nothing";
        }
        String v = s.getValue();
        return "\"" + (v.length() > 60 ? v.substring(0, 57) + "..." : v) + "\"";
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown problem";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
