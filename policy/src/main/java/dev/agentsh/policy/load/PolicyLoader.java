package dev.agentsh.policy.load;

import dev.agentsh.policy.Decision;
import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.model.ArgsPatternSyntax;
import dev.agentsh.policy.model.AuditSettings;
import dev.agentsh.policy.model.CommandRedirect;
import dev.agentsh.policy.model.CommandRule;
import dev.agentsh.policy.model.ConnectRedirect;
import dev.agentsh.policy.model.DepthRange;
import dev.agentsh.policy.model.DnsRedirect;
import dev.agentsh.policy.model.EnvPolicy;
import dev.agentsh.policy.model.FileRule;
import dev.agentsh.policy.model.Mark;
import dev.agentsh.policy.model.NetworkRule;
import dev.agentsh.policy.model.Policy;
import dev.agentsh.policy.model.ResourceLimits;
import dev.agentsh.policy.model.RuleHeader;
import dev.agentsh.policy.model.SignalRule;
import dev.agentsh.policy.model.SignalTargetSpec;
import dev.agentsh.policy.model.Text;
import dev.agentsh.policy.model.TransparentCommands;
import dev.agentsh.policy.model.UnixSocketRule;
import dev.agentsh.policy.match.IpLiterals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a policy document: strict keys everywhere (inside command rules too), typed values, known
 * decisions per rule kind. The first problem found is reported with file, line, column and key.
 * Patterns (globs, regexes, CIDRs, signals, templates) are checked when the engine compiles them.
 */
public final class PolicyLoader {
    /** File operations the enforcers report, plus {@code read} (accepted for rules written for other platforms). */
    public static final Set<String> FILE_OPERATIONS = Set.of(
            "open", "read", "stat", "list", "readlink", "access", "write", "create", "delete", "rmdir",
            "mkdir", "rename", "link", "symlink", "chmod", "chown", "mknod");
    public static final Set<String> UNIX_OPERATIONS = Set.of("connect", "bind", "listen", "sendto");

    private static final Set<Decision> FILE_DECISIONS = EnumSet.of(
            Decision.ALLOW, Decision.DENY, Decision.APPROVE, Decision.REDIRECT, Decision.AUDIT, Decision.SOFT_DELETE);
    private static final Set<Decision> COMMAND_DECISIONS = EnumSet.of(
            Decision.ALLOW, Decision.DENY, Decision.APPROVE, Decision.REDIRECT, Decision.AUDIT);
    private static final Set<Decision> NETWORK_DECISIONS = EnumSet.of(
            Decision.ALLOW, Decision.DENY, Decision.APPROVE, Decision.AUDIT);
    private static final Set<Decision> SIGNAL_DECISIONS = EnumSet.of(
            Decision.ALLOW, Decision.DENY, Decision.APPROVE, Decision.REDIRECT, Decision.AUDIT, Decision.ABSORB);

    private static final List<String> TOP_LEVEL = List.of(
            "version", "name", "description", "file_rules", "network_rules", "command_rules", "unix_socket_rules",
            "signal_rules", "env_policy", "env_inject", "transparent_commands", "resource_limits", "audit",
            "dns_redirects", "connect_redirects", "args_pattern_syntax");
    private static final List<String> HEADER = List.of("name", "description", "decision", "message", "timeout");

    private PolicyLoader() {
    }

    public static Policy loadFile(Path file) throws PolicyException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PolicyException(new Mark(file.toString(), 0, 0), "", "no such file");
        } catch (IOException e) {
            throw new PolicyException(new Mark(file.toString(), 0, 0), "", "cannot read: " + e.getMessage());
        }
        return load(file.toString(), text);
    }

    public static Policy load(String source, String text) throws PolicyException {
        return read(YamlMap.parse(source, text));
    }

    /** Reads a policy from an already-parsed node (an inline policy in a test suite, for example). */
    public static Policy read(YamlMap doc) throws PolicyException {
        doc.allowOnly(TOP_LEVEL);
        int version = doc.integer("version", 0);
        if (version <= 0) {
            throw doc.has("version") ? doc.error("version", "must be a number greater than 0, e.g. version: 1")
                    : new PolicyException(doc.mark(), "version", "is required, e.g. version: 1");
        }
        String name = doc.has("name") ? doc.requiredString("name") : null;
        if (name == null) {
            throw new PolicyException(doc.mark(), "name", "is required");
        }
        return new Policy(
                doc.mark(),
                version,
                name,
                doc.string("description", ""),
                rules(doc, "file_rules", PolicyLoader::fileRule),
                rules(doc, "network_rules", PolicyLoader::networkRule),
                rules(doc, "command_rules", PolicyLoader::commandRule),
                rules(doc, "unix_socket_rules", PolicyLoader::unixRule),
                rules(doc, "signal_rules", PolicyLoader::signalRule),
                envPolicy(doc),
                doc.stringMap("env_inject"),
                transparentCommands(doc),
                resourceLimits(doc),
                audit(doc),
                rules(doc, "dns_redirects", PolicyLoader::dnsRedirect),
                rules(doc, "connect_redirects", PolicyLoader::connectRedirect),
                argsPatternSyntax(doc));
    }

    private interface RuleReader<T> {
        T read(YamlMap rule, int index) throws PolicyException;
    }

    private static <T> List<T> rules(YamlMap doc, String key, RuleReader<T> reader) throws PolicyException {
        List<T> out = new ArrayList<>();
        List<YamlMap> items = doc.maps(key);
        for (int i = 0; i < items.size(); i++) {
            out.add(reader.read(items.get(i), i));
        }
        return List.copyOf(out);
    }

    private static List<String> keys(List<String> header, String... more) {
        List<String> all = new ArrayList<>(header);
        all.addAll(List.of(more));
        return all;
    }

    private static RuleHeader header(YamlMap rule, String kind, int index, Set<Decision> allowed) throws PolicyException {
        String name = rule.string("name", "").strip();
        if (name.isEmpty()) {
            name = kind + "[" + index + "]";
        }
        if (!rule.has("decision")) {
            throw new PolicyException(rule.mark(), rule.keyPath("decision"), "is required; expected one of " + names(allowed));
        }
        Decision decision = decision(rule, "decision", allowed);
        return new RuleHeader(name, rule.string("description", ""), decision, rule.string("message", ""),
                rule.duration("timeout"), rule.mark());
    }

    private static Decision decision(YamlMap rule, String key, Set<Decision> allowed) throws PolicyException {
        String text = rule.requiredString(key).strip().toLowerCase(Locale.ROOT);
        Optional<Decision> d = Decision.fromWireName(text);
        if (d.isEmpty() || !allowed.contains(d.get())) {
            String what = d.isEmpty() ? "unknown decision" : "decision not valid here";
            throw rule.error(key, what + " \"" + text + "\"; expected one of " + names(allowed));
        }
        return d.get();
    }

    private static String names(Set<Decision> decisions) {
        return decisions.stream().map(Decision::wireName).collect(Collectors.joining(", "));
    }

    private static Set<String> operations(YamlMap rule, Set<String> vocabulary) throws PolicyException {
        Set<String> ops = new LinkedHashSet<>();
        for (Text op : rule.texts("operations")) {
            String o = op.value().strip().toLowerCase(Locale.ROOT);
            if (o.equals("*")) {
                return Set.of();
            }
            if (!vocabulary.contains(o)) {
                throw new PolicyException(op.mark(), rule.keyPath("operations"),
                        "unknown operation \"" + op.value() + "\"; expected \"*\" or some of " + String.join(", ", sorted(vocabulary)));
            }
            ops.add(o);
        }
        return Set.copyOf(ops);
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    private static FileRule fileRule(YamlMap rule, int index) throws PolicyException {
        rule.allowOnly(keys(HEADER, "paths", "operations", "redirect_to", "preserve_tree"));
        RuleHeader header = header(rule, "file_rules", index, FILE_DECISIONS);
        Text redirectTo = rule.text("redirect_to").orElse(null);
        requireRedirectTarget(rule, header, redirectTo != null, "a directory, e.g. redirect_to: /workspace/.scratch");
        return new FileRule(header, rule.texts("paths"), operations(rule, FILE_OPERATIONS), redirectTo,
                rule.bool("preserve_tree", false));
    }

    private static void requireRedirectTarget(YamlMap rule, RuleHeader header, boolean present, String example)
            throws PolicyException {
        if (header.decision() == Decision.REDIRECT && !present) {
            throw new PolicyException(rule.mark(), rule.keyPath("redirect_to"), "is required when decision is redirect: " + example);
        }
        if (header.decision() != Decision.REDIRECT && present) {
            throw rule.error("redirect_to", "only applies when decision is redirect (decision is " + header.decision() + ")");
        }
    }

    private static NetworkRule networkRule(YamlMap rule, int index) throws PolicyException {
        rule.allowOnly(keys(HEADER, "domains", "ports", "cidrs"));
        RuleHeader header = header(rule, "network_rules", index, NETWORK_DECISIONS);
        Set<Integer> ports = new LinkedHashSet<>();
        for (Text port : rule.texts("ports")) {
            int p;
            try {
                p = Integer.parseInt(port.value().strip());
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 0 || p > 65535) {
                throw new PolicyException(port.mark(), rule.keyPath("ports"), "bad port \"" + port.value() + "\"; expected a number 0-65535");
            }
            ports.add(p);
        }
        return new NetworkRule(header, rule.texts("domains"), Set.copyOf(ports), rule.texts("cidrs"));
    }

    private static CommandRule commandRule(YamlMap rule, int index) throws PolicyException {
        rule.allowOnly(keys(HEADER, "commands", "args_patterns", "redirect_to", "context", "env_allow", "env_deny",
                "env_max_bytes", "env_max_keys", "env_block_iteration"));
        RuleHeader header = header(rule, "command_rules", index, COMMAND_DECISIONS);
        CommandRedirect redirect = null;
        Optional<YamlMap> target = rule.map("redirect_to");
        if (target.isPresent()) {
            YamlMap t = target.get().allowOnly(List.of("command", "args", "args_append", "environment"));
            redirect = new CommandRedirect(t.requiredString("command"), t.strings("args"), t.strings("args_append"),
                    t.stringMap("environment"));
        }
        requireRedirectTarget(rule, header, redirect != null, "a mapping with command (and args, args_append, environment)");
        return new CommandRule(header, rule.texts("commands"), rule.texts("args_patterns"), redirect, context(rule),
                rule.texts("env_allow"), rule.texts("env_deny"), nonNegative(rule, "env_max_bytes"),
                nonNegative(rule, "env_max_keys"), rule.optionalBool("env_block_iteration").orElse(null));
    }

    private static int nonNegative(YamlMap map, String key) throws PolicyException {
        int v = map.integer(key, 0);
        if (v < 0) {
            throw map.error(key, "must not be negative");
        }
        return v;
    }

    private static DepthRange context(YamlMap rule) throws PolicyException {
        Optional<Node> node = rule.value("context");
        if (node.isEmpty()) {
            return DepthRange.ALL;
        }
        if (node.get() instanceof MappingNode) {
            YamlMap m = rule.map("context").orElseThrow().allowOnly(List.of("min_depth", "max_depth"));
            int min = m.integer("min_depth", 0);
            int max = m.integer("max_depth", -1);
            if (min < 0 || max < -1) {
                throw m.error(min < 0 ? "min_depth" : "max_depth", "must not be negative (max_depth -1 or omitted means unlimited)");
            }
            if (max >= 0 && max < min) {
                throw m.error("max_depth", "is less than min_depth (" + min + ")");
            }
            return new DepthRange(min, max);
        }
        if (!(node.get() instanceof SequenceNode)) {
            throw rule.error("context", "expected [direct], [nested], [direct, nested] or {min_depth: N, max_depth: M}");
        }
        boolean direct = false;
        boolean nested = false;
        for (Text t : rule.texts("context")) {
            switch (t.value().strip().toLowerCase(Locale.ROOT)) {
                case "direct" -> direct = true;
                case "nested" -> nested = true;
                default -> throw new PolicyException(t.mark(), rule.keyPath("context"),
                        "unknown context value \"" + t.value() + "\"; expected direct or nested");
            }
        }
        if (direct && !nested) {
            return DepthRange.DIRECT;
        }
        return nested && !direct ? DepthRange.NESTED : DepthRange.ALL;
    }

    private static UnixSocketRule unixRule(YamlMap rule, int index) throws PolicyException {
        rule.allowOnly(keys(HEADER, "paths", "operations"));
        RuleHeader header = header(rule, "unix_socket_rules", index, NETWORK_DECISIONS);
        return new UnixSocketRule(header, rule.texts("paths"), operations(rule, UNIX_OPERATIONS));
    }

    private static SignalRule signalRule(YamlMap rule, int index) throws PolicyException {
        rule.allowOnly(keys(HEADER, "signals", "target", "fallback", "redirect_to"));
        RuleHeader header = header(rule, "signal_rules", index, SIGNAL_DECISIONS);
        if (rule.texts("signals").isEmpty()) {
            throw new PolicyException(rule.mark(), rule.keyPath("signals"), "is required, e.g. signals: [SIGTERM, \"@fatal\"]");
        }
        Optional<YamlMap> target = rule.map("target");
        if (target.isEmpty()) {
            throw new PolicyException(rule.mark(), rule.keyPath("target"), "is required, e.g. target: {type: children}");
        }
        YamlMap t = target.get().allowOnly(List.of("type", "pattern", "min", "max"));
        SignalTargetSpec spec = new SignalTargetSpec(t.text("type").orElseThrow(() -> t.error("type", "is required")),
                t.text("pattern").orElse(null), t.integer("min", 0), t.integer("max", 0));
        Decision fallback = rule.has("fallback") ? decision(rule, "fallback", SIGNAL_DECISIONS) : null;
        Text redirectTo = rule.text("redirect_to").orElse(null);
        requireRedirectTarget(rule, header, redirectTo != null, "a signal, e.g. redirect_to: SIGTERM");
        return new SignalRule(header, rule.texts("signals"), spec, fallback, redirectTo);
    }

    private static EnvPolicy envPolicy(YamlMap doc) throws PolicyException {
        Optional<YamlMap> m = doc.map("env_policy");
        if (m.isEmpty()) {
            return EnvPolicy.EMPTY;
        }
        YamlMap e = m.get().allowOnly(List.of("allow", "deny", "max_bytes", "max_keys", "block_iteration"));
        return new EnvPolicy(e.texts("allow"), e.texts("deny"), nonNegative(e, "max_bytes"), nonNegative(e, "max_keys"),
                e.bool("block_iteration", false));
    }

    private static TransparentCommands transparentCommands(YamlMap doc) throws PolicyException {
        Optional<YamlMap> m = doc.map("transparent_commands");
        if (m.isEmpty()) {
            return TransparentCommands.NONE;
        }
        YamlMap t = m.get().allowOnly(List.of("add", "remove"));
        return new TransparentCommands(t.strings("add"), t.strings("remove"));
    }

    private static ResourceLimits resourceLimits(YamlMap doc) throws PolicyException {
        Optional<YamlMap> m = doc.map("resource_limits");
        if (m.isEmpty()) {
            return ResourceLimits.NONE;
        }
        YamlMap r = m.get().allowOnly(List.of("max_memory_mb", "memory_swap_max_mb", "cpu_quota_percent",
                "disk_read_bps_max", "disk_write_bps_max", "net_bandwidth_mbps", "pids_max", "command_timeout",
                "session_timeout", "idle_timeout"));
        return new ResourceLimits(nonNegative(r, "max_memory_mb"), nonNegative(r, "memory_swap_max_mb"),
                nonNegative(r, "cpu_quota_percent"), r.longInteger("disk_read_bps_max", 0),
                r.longInteger("disk_write_bps_max", 0), nonNegative(r, "net_bandwidth_mbps"), nonNegative(r, "pids_max"),
                r.duration("command_timeout"), r.duration("session_timeout"), r.duration("idle_timeout"));
    }

    private static AuditSettings audit(YamlMap doc) throws PolicyException {
        Optional<YamlMap> m = doc.map("audit");
        if (m.isEmpty()) {
            return AuditSettings.DEFAULT;
        }
        YamlMap a = m.get().allowOnly(List.of("log_allowed", "log_denied", "log_approved", "include_stdout",
                "include_stderr", "include_file_content", "retention_days"));
        AuditSettings d = AuditSettings.DEFAULT;
        return new AuditSettings(a.bool("log_allowed", d.logAllowed()), a.bool("log_denied", d.logDenied()),
                a.bool("log_approved", d.logApproved()), a.bool("include_stdout", d.includeStdout()),
                a.bool("include_stderr", d.includeStderr()), a.bool("include_file_content", d.includeFileContent()),
                nonNegative(a, "retention_days"));
    }

    private static String oneOf(YamlMap m, String key, String otherwise, List<String> allowed) throws PolicyException {
        String v = m.string(key, otherwise).strip();
        if (!allowed.contains(v)) {
            throw m.error(key, "\"" + v + "\" is not one of " + String.join(", ", allowed));
        }
        return v;
    }

    private static final List<String> VISIBILITY = List.of("silent", "audit_only", "warn");
    private static final List<String> ON_FAILURE = List.of("fail_closed", "fail_open", "retry_original");

    private static DnsRedirect dnsRedirect(YamlMap r, int index) throws PolicyException {
        r.allowOnly(List.of("name", "match", "resolve_to", "visibility", "on_failure"));
        String resolveTo = r.requiredString("resolve_to").strip();
        if (!IpLiterals.isIp(resolveTo)) {
            throw r.error("resolve_to", "must be an IP address, found \"" + resolveTo + "\"");
        }
        return new DnsRedirect(r.requiredString("name"), r.text("match").orElseThrow(() -> r.error("match", "is required")),
                resolveTo, oneOf(r, "visibility", "audit_only", VISIBILITY), oneOf(r, "on_failure", "fail_closed", ON_FAILURE),
                r.mark());
    }

    private static ConnectRedirect connectRedirect(YamlMap r, int index) throws PolicyException {
        r.allowOnly(List.of("name", "match", "redirect_to", "redirect_to_unix", "tls", "visibility", "message", "on_failure"));
        String to = r.string("redirect_to", "");
        String toUnix = r.string("redirect_to_unix", "");
        if (to.isEmpty() == toUnix.isEmpty()) {
            throw new PolicyException(r.mark(), r.keyPath("redirect_to"), "exactly one of redirect_to (host:port) or redirect_to_unix (socket path) is required");
        }
        String tlsMode = "passthrough";
        String sni = "";
        Optional<YamlMap> tls = r.map("tls");
        if (tls.isPresent()) {
            YamlMap t = tls.get().allowOnly(List.of("mode", "sni"));
            tlsMode = oneOf(t, "mode", "passthrough", List.of("passthrough", "rewrite_sni"));
            sni = t.string("sni", "");
            if (tlsMode.equals("rewrite_sni") && sni.isBlank()) {
                throw new PolicyException(t.mark(), t.keyPath("sni"), "is required when mode is rewrite_sni");
            }
        }
        return new ConnectRedirect(r.requiredString("name"), r.text("match").orElseThrow(() -> r.error("match", "is required")),
                to, toUnix, tlsMode, sni, oneOf(r, "visibility", "audit_only", VISIBILITY), r.string("message", ""),
                oneOf(r, "on_failure", "fail_closed", ON_FAILURE), r.mark());
    }

    private static ArgsPatternSyntax argsPatternSyntax(YamlMap doc) throws PolicyException {
        String v = oneOf(doc, "args_pattern_syntax", "glob", List.of("glob", "regex"));
        return v.equals("regex") ? ArgsPatternSyntax.REGEX : ArgsPatternSyntax.GLOB;
    }
}
