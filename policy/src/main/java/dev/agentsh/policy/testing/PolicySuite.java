package dev.agentsh.policy.testing;

import dev.agentsh.policy.Decision;
import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.engine.EngineOptions;
import dev.agentsh.policy.engine.EngineOptions.OpaqueMode;
import dev.agentsh.policy.engine.EngineOptions.ShellcOptions;
import dev.agentsh.policy.engine.ExecutableResolver;
import dev.agentsh.policy.engine.PolicyEngine;
import dev.agentsh.policy.engine.Redirect;
import dev.agentsh.policy.engine.SignalTarget;
import dev.agentsh.policy.engine.Signals;
import dev.agentsh.policy.engine.Trace;
import dev.agentsh.policy.engine.Verdict;
import dev.agentsh.policy.load.PolicyLoader;
import dev.agentsh.policy.load.PolicyStore;
import dev.agentsh.policy.load.YamlMap;
import dev.agentsh.policy.model.Mark;
import dev.agentsh.policy.model.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Runs policy test suites (the format is in docs/policy-testing.md): each case asks one
 * {@link Check} of a policy and compares the verdict with what it expects.
 *
 * @param store where policy names are looked up
 * @param hostExecutables the file system view when a suite does not give {@code executables}
 * @param hostVariables values for variables a suite's {@code vars} do not set
 */
public record PolicySuite(PolicyStore store, ExecutableResolver hostExecutables, Function<String, String> hostVariables) {

    /** One case's outcome; {@code failure} is null when it passed. */
    public record Result(String suite, String name, Mark mark, String failure) {
        public boolean passed() {
            return failure == null;
        }
    }

    private static final List<String> SUITE_KEYS = List.of("policy", "vars", "approvals", "executables", "shellc", "tests");
    private static final List<String> CASE_KEYS = List.of("name", "policy", "vars", "approvals", "executables", "shellc", "check", "expect");
    private static final List<String> CHECK_KEYS = List.of("exec", "depth", "command", "file", "op", "net", "ip", "unix",
            "env", "signal", "target", "target_comm", "target_pid");
    private static final List<String> EXPECT_KEYS = List.of("decision", "policy_decision", "rule", "reason_contains",
            "payload_command", "unwrapped_from", "redirect");

    /** Runs every case of one suite file. A suite that cannot be read is one failed result. */
    public List<Result> run(Path file) {
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of(new Result(source, "(suite)", new Mark(source, 0, 0), "cannot read: " + e.getMessage()));
        }
        try {
            return run(source, text, file.toAbsolutePath().getParent());
        } catch (PolicyException e) {
            return List.of(new Result(source, "(suite)", e.mark(), e.getMessage()));
        }
    }

    public List<Result> run(String source, String text, Path baseDir) throws PolicyException {
        Node root = YamlMap.parseNode(source, text);
        YamlMap defaults;
        List<YamlMap> cases;
        if (root instanceof SequenceNode) {
            defaults = null;
            cases = YamlMap.listOfMaps(source, "", root);
        } else {
            defaults = YamlMap.of(source, "", root).allowOnly(SUITE_KEYS);
            cases = defaults.maps("tests");
        }
        Map<String, PolicyEngine> engines = new HashMap<>();
        List<Result> results = new ArrayList<>();
        for (YamlMap c : cases) {
            String name = c.string("name", c.path());
            try {
                c.allowOnly(CASE_KEYS);
                PolicyEngine engine = engine(defaults, c, baseDir, engines);
                Check check = check(c.map("check").orElseThrow(() -> c.error("check", "is required")));
                YamlMap expect = c.map("expect").orElseThrow(() -> c.error("expect", "is required")).allowOnly(EXPECT_KEYS);
                Verdict v = check.run(engine, Trace.OFF);
                results.add(new Result(source, name, c.mark(), compare(expect, v, check)));
            } catch (PolicyException e) {
                results.add(new Result(source, name, c.mark(), e.getMessage()));
            }
        }
        return results;
    }

    private PolicyEngine engine(YamlMap defaults, YamlMap c, Path baseDir, Map<String, PolicyEngine> cache) throws PolicyException {
        YamlMap policyFrom = pick(defaults, c, "policy");
        if (policyFrom == null) {
            throw new PolicyException(c.mark(), c.keyPath("policy"), "is required (here or at the top of the suite)");
        }
        Map<String, String> vars = new LinkedHashMap<>();
        YamlMap varsFrom = pick(defaults, c, "vars");
        if (varsFrom != null) {
            vars.putAll(varsFrom.stringMap("vars"));
        }
        YamlMap approvalsFrom = pick(defaults, c, "approvals");
        boolean approvals = approvalsFrom != null && approvalsFrom.bool("approvals", false);
        YamlMap executablesFrom = pick(defaults, c, "executables");
        ExecutableResolver executables = executablesFrom == null ? hostExecutables
                : ExecutableResolver.of(executablesFrom.stringMap("executables"));
        ShellcOptions shellc = ShellcOptions.DEFAULT;
        YamlMap shellcFrom = pick(defaults, c, "shellc");
        if (shellcFrom != null) {
            YamlMap s = shellcFrom.map("shellc").orElseThrow().allowOnly(List.of("opaque", "execve_enforced"));
            String mode = s.string("opaque", "enforce").toUpperCase(Locale.ROOT);
            if (!List.of("ENFORCE", "ALLOW", "DENY").contains(mode)) {
                throw s.error("opaque", "expected enforce, allow or deny");
            }
            shellc = new ShellcOptions(OpaqueMode.valueOf(mode), s.bool("execve_enforced", false));
        }
        String cacheKey = System.identityHashCode(policyFrom) + "|" + vars + "|" + approvals + "|"
                + System.identityHashCode(executablesFrom) + "|" + shellc;
        PolicyEngine cached = cache.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        Policy policy = policy(policyFrom, baseDir);
        Function<String, String> lookup = name -> vars.containsKey(name) ? vars.get(name) : hostVariables.apply(name);
        PolicyEngine engine = PolicyEngine.compile(policy, new EngineOptions(lookup, executables, approvals, shellc));
        cache.put(cacheKey, engine);
        return engine;
    }

    /** The case's own setting, else the suite's, else null. */
    private static YamlMap pick(YamlMap defaults, YamlMap c, String key) {
        if (c.has(key)) {
            return c;
        }
        return defaults != null && defaults.has(key) ? defaults : null;
    }

    private Policy policy(YamlMap from, Path baseDir) throws PolicyException {
        Node node = from.value("policy").orElseThrow();
        if (node instanceof MappingNode) {
            return PolicyLoader.read(YamlMap.of(from.source(), from.keyPath("policy"), node));
        }
        String ref = from.string("policy", "");
        if (ref.contains("/") || ref.endsWith(".yaml") || ref.endsWith(".yml")) {
            Path p = baseDir == null ? Path.of(ref) : baseDir.resolve(ref);
            return store.find(p.toString()).load();
        }
        return store.byName(ref).load();
    }

    /** Reads a check mapping: exactly one subject key plus its options. */
    public static Check check(YamlMap m) throws PolicyException {
        m.allowOnly(CHECK_KEYS);
        List<String> subjects = m.keys().stream().filter(List.of("exec", "command", "file", "net", "unix", "env", "signal")::contains).toList();
        if (subjects.size() != 1) {
            throw new PolicyException(m.mark(), m.path(), "expected exactly one of exec, command, file, net, unix, env, signal");
        }
        String subject = subjects.getFirst();
        return switch (subject) {
            case "exec" -> new Check.Exec(nonEmpty(m, "exec"), m.integer("depth", 0));
            case "command" -> new Check.Command(nonEmpty(m, "command"));
            case "file" -> new Check.File(m.requiredString("file"), m.requiredString("op"));
            case "unix" -> new Check.Unix(m.requiredString("unix"), m.requiredString("op"));
            case "env" -> new Check.Env(m.requiredString("env"));
            case "net" -> {
                List<String> ips = m.value("ip").isPresent() && m.value("ip").get() instanceof SequenceNode
                        ? m.strings("ip") : m.text("ip").map(t -> List.of(t.value())).orElse(List.of());
                Check.Net net = Check.Net.parse(m.requiredString("net"), ips);
                if (net == null) {
                    throw m.error("net", "expected HOST, HOST:PORT or [IPv6]:PORT");
                }
                yield net;
            }
            default -> {
                int signal = Signals.parse(m.requiredString("signal"));
                if (signal < 0) {
                    throw m.error("signal", "unknown signal; expected e.g. SIGTERM, TERM or 15");
                }
                String target = m.requiredString("target");
                if (!SignalTarget.RELATIONS.contains(target)) {
                    throw m.error("target", "expected one of " + String.join(", ", SignalTarget.RELATIONS));
                }
                yield new Check.Signal(signal, target, m.string("target_comm", ""), m.integer("target_pid", 0));
            }
        };
    }

    private static List<String> nonEmpty(YamlMap m, String key) throws PolicyException {
        List<String> argv = m.strings(key);
        if (argv.isEmpty()) {
            throw m.error(key, "expected a non-empty list: [program, args...]");
        }
        return argv;
    }

    /** Null when the verdict meets every expectation, else what differed. */
    private static String compare(YamlMap expect, Verdict v, Check check) throws PolicyException {
        List<String> diffs = new ArrayList<>();
        String decision = expect.requiredString("decision");
        expectDecision(expect, "decision", decision, v.decision(), diffs);
        if (expect.has("policy_decision")) {
            expectDecision(expect, "policy_decision", expect.requiredString("policy_decision"), v.policyDecision(), diffs);
        }
        same(diffs, "rule", expect.string("rule", null), v.rule());
        same(diffs, "payload_command", expect.string("payload_command", null), v.payloadCommand());
        same(diffs, "unwrapped_from", expect.string("unwrapped_from", null), v.unwrappedFrom());
        String contains = expect.string("reason_contains", null);
        if (contains != null && (v.reason() == null || !v.reason().contains(contains))) {
            diffs.add("reason " + quote(v.reason()) + " does not contain " + quote(contains));
        }
        if (expect.has("redirect")) {
            compareRedirect(expect.map("redirect").orElseThrow(), v.redirect(), diffs);
        }
        if (diffs.isEmpty()) {
            return null;
        }
        return check.describe() + ": " + String.join("; ", diffs) + " [got " + v.decision() + " by " + v.rule() + ": " + v.reason() + "]";
    }

    private static void expectDecision(YamlMap expect, String key, String text, Decision actual, List<String> diffs)
            throws PolicyException {
        Decision wanted = Decision.fromWireName(text.toLowerCase(Locale.ROOT))
                .orElseThrow(() -> expect.error(key, "unknown decision \"" + text + "\""));
        if (wanted != actual) {
            diffs.add("expected " + key + " " + wanted + ", got " + actual);
        }
    }

    private static void same(List<String> diffs, String what, String wanted, String actual) {
        if (wanted != null && !wanted.equals(actual)) {
            diffs.add("expected " + what + " " + quote(wanted) + ", got " + quote(actual));
        }
    }

    private static void compareRedirect(YamlMap r, Redirect actual, List<String> diffs) throws PolicyException {
        r.allowOnly(List.of("command", "args", "path", "signal"));
        switch (actual) {
            case Redirect.Command c when r.has("command") -> {
                same(diffs, "redirect command", r.string("command", null), c.command());
                if (r.has("args") && !r.strings("args").equals(c.args())) {
                    diffs.add("expected redirect args " + r.strings("args") + ", got " + c.args());
                }
            }
            case Redirect.Path p when r.has("path") -> same(diffs, "redirect path", r.string("path", null), p.path());
            case Redirect.Signal s when r.has("signal") -> {
                if (Signals.parse(r.string("signal", "")) != s.signal()) {
                    diffs.add("expected redirect signal " + r.string("signal", "") + ", got " + s.name());
                }
            }
            case null -> diffs.add("expected a redirect, got none");
            default -> diffs.add("expected redirect " + r.keys() + ", got " + actual);
        }
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "\"" + s + "\"";
    }

    /** Every .yaml/.yml file under a directory (sorted), or the file itself. */
    public static List<Path> suiteFiles(Path fileOrDir) throws IOException {
        if (!Files.isDirectory(fileOrDir)) {
            return List.of(fileOrDir);
        }
        try (var walk = Files.walk(fileOrDir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().toList();
        }
    }
}
