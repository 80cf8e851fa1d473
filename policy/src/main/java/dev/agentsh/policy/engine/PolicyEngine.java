package dev.agentsh.policy.engine;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.model.CommandRule;
import dev.agentsh.policy.model.ConnectRedirect;
import dev.agentsh.policy.model.DnsRedirect;
import dev.agentsh.policy.model.Policy;
import dev.agentsh.policy.model.Text;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one decision engine: a compiled policy that answers "may this operation happen?" for every
 * enforcement surface. It makes no OS calls; what it needs to know about the file system comes
 * through {@link EngineOptions#executables()}. Instances are immutable and safe to share.
 */
public final class PolicyEngine {
    private final Policy policy;
    private final CommandPolicy commands;
    private final FilePolicy files;
    private final NetworkPolicy network;
    private final UnixSocketPolicy unixSockets;
    private final SignalPolicy signals;
    private final EnvFilter env;
    private final Map<String, EnvFilter> commandEnv = new HashMap<>();
    private final List<Pattern> dnsPatterns;
    private final List<Pattern> connectPatterns;
    private final ExecutableResolver executables;

    private PolicyEngine(Policy policy, EngineOptions options) throws PolicyException {
        this.policy = policy;
        this.executables = options.executables();
        CompileContext ctx = new CompileContext(options.executables(), new Variables(options.variables()), policy.argsPatternSyntax());
        commands = new CommandPolicy(policy, ctx, options);
        files = new FilePolicy(policy, ctx, options.approvalsEnforced());
        network = new NetworkPolicy(policy, ctx, options.approvalsEnforced());
        unixSockets = new UnixSocketPolicy(policy, options.approvalsEnforced());
        signals = new SignalPolicy(policy, options.approvalsEnforced());
        env = EnvFilter.compile(policy.envPolicy(), "env_policy");
        List<CommandRule> rules = policy.commandRules();
        for (int i = 0; i < rules.size(); i++) {
            CommandRule r = rules.get(i);
            commandEnv.putIfAbsent(r.header().name(), env.overriddenBy(r.envAllow(), r.envDeny(), r.envMaxBytes(),
                    r.envMaxKeys(), r.envBlockIteration(), "command_rules[" + i + "]"));
        }
        dnsPatterns = regexes(policy.dnsRedirects().stream().map(DnsRedirect::match).toList(), "dns_redirects");
        connectPatterns = regexes(policy.connectRedirects().stream().map(ConnectRedirect::match).toList(), "connect_redirects");
    }

    /** Compiles a policy; every pattern, variable and template problem is reported with its position. */
    public static PolicyEngine compile(Policy policy, EngineOptions options) throws PolicyException {
        return new PolicyEngine(policy, options);
    }

    private static List<Pattern> regexes(List<Text> texts, String key) throws PolicyException {
        java.util.ArrayList<Pattern> out = new java.util.ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Text t = texts.get(i);
            try {
                out.add(Pattern.compile(t.value()));
            } catch (PatternSyntaxException e) {
                throw new PolicyException(t.mark(), key + "[" + i + "].match", "bad regular expression: " + e.getDescription());
            }
        }
        return List.copyOf(out);
    }

    public Policy policy() {
        return policy;
    }

    /** The pre-check of a command given to the API (depth 0), including what a {@code sh -c} script would run. */
    public Verdict checkCommand(List<String> argv) {
        return commands.precheck(argv, Trace.OFF);
    }

    public Verdict checkCommand(List<String> argv, Trace trace) {
        return commands.precheck(argv, trace).withTrace(trace);
    }

    /**
     * The execve-time check: wrappers unwrapped, rule contexts applied at {@code depth}.
     *
     * @param filename the canonical path of the executable as the exec'ing process resolves it (its root, its
     *                 mounts); the engine takes it as it is, since the server's own view of the file system may
     *                 differ from the process's
     */
    public Verdict checkExecve(String filename, List<String> argv, int depth) {
        return commands.execve(filename, argv, depth, Trace.OFF);
    }

    public Verdict checkExecve(String filename, List<String> argv, int depth, Trace trace) {
        return commands.execve(filename, argv, depth, trace).withTrace(trace);
    }

    /**
     * The canonical path of a program as written (a path, or a bare name looked up on PATH) in the view of the
     * file system the engine was compiled with; as written if it cannot be resolved. For callers of
     * {@link #checkExecve} that start from what a person wrote rather than from a running process.
     */
    public String canonicalExecutable(String written) {
        return Program.resolve(written, executables).path();
    }

    public Verdict checkFile(String path, String operation) {
        return files.check(path, operation, Trace.OFF);
    }

    public Verdict checkFile(String path, String operation, Trace trace) {
        return files.check(path, operation, trace).withTrace(trace);
    }

    /** @param addresses what the host resolved to, if the caller knows (an IP-literal host needs none) */
    public Verdict checkNetwork(String host, int port, List<byte[]> addresses) {
        return network.check(host, port, addresses, Trace.OFF);
    }

    public Verdict checkNetwork(String host, int port, List<byte[]> addresses, Trace trace) {
        return network.check(host, port, addresses, trace).withTrace(trace);
    }

    public Verdict checkUnixSocket(String path, String operation) {
        return unixSockets.check(path, operation, Trace.OFF);
    }

    public Verdict checkUnixSocket(String path, String operation, Trace trace) {
        return unixSockets.check(path, operation, trace).withTrace(trace);
    }

    public Verdict checkSignal(int signal, SignalTarget target) {
        return signals.check(signal, target, Trace.OFF);
    }

    public Verdict checkSignal(int signal, SignalTarget target, Trace trace) {
        return signals.check(signal, target, trace).withTrace(trace);
    }

    /** Whether a variable may reach commands; {@code rule} says how it was decided (deny, default-secret-deny, ...). */
    public Verdict checkEnv(String name) {
        return env.check(name, Trace.OFF);
    }

    public Verdict checkEnv(String name, Trace trace) {
        return env.check(name, trace).withTrace(trace);
    }

    /** The environment filter for a command that matched {@code commandRule} (the policy-wide one for fallbacks). */
    public EnvFilter envFilter(String commandRule) {
        return commandEnv.getOrDefault(commandRule, env);
    }

    /** The first DNS redirect whose pattern matches the host (lowercased, without a trailing dot). */
    public Optional<DnsRedirect> dnsRedirect(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (int i = 0; i < dnsPatterns.size(); i++) {
            if (dnsPatterns.get(i).matcher(h).find()) {
                return Optional.of(policy.dnsRedirects().get(i));
            }
        }
        return Optional.empty();
    }

    /** The first connect redirect whose pattern matches {@code host:port} (host lowercased). */
    public Optional<ConnectRedirect> connectRedirect(String host, int port) {
        String target = host.strip().toLowerCase(Locale.ROOT) + ":" + port;
        for (int i = 0; i < connectPatterns.size(); i++) {
            if (connectPatterns.get(i).matcher(target).find()) {
                return Optional.of(policy.connectRedirects().get(i));
            }
        }
        return Optional.empty();
    }
}
