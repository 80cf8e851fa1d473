package dev.agentsh.policy.engine;

import dev.agentsh.policy.Decision;
import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.match.Glob;
import dev.agentsh.policy.model.EnvPolicy;
import dev.agentsh.policy.model.Text;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which environment variables reach a command. A name is denied when it matches a deny pattern,
 * or — while there is no allow list — when it is a well-known secret or loader/interpreter hook.
 * With an allow list, only names matching it pass.
 */
public final class EnvFilter {
    /** Credentials and variables that change what a program loads or runs. */
    public static final Set<String> BUILTIN_SECRETS = Set.of(
            "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN", "AWS_PROFILE",
            "GOOGLE_APPLICATION_CREDENTIALS", "GCP_SERVICE_ACCOUNT", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_ID",
            "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID", "SSH_AUTH_SOCK", "SSH_AGENT_PID", "DOCKER_HOST",
            "DOCKER_TLS_VERIFY", "KUBECONFIG", "GITHUB_TOKEN", "GH_TOKEN",
            "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "LD_DEBUG", "LD_DEBUG_OUTPUT", "LD_DYNAMIC_WEAK",
            "LD_HWCAP_MASK", "LD_ORIGIN_PATH", "LD_PROFILE", "LD_PROFILE_OUTPUT", "LD_SHOW_AUXV",
            "LD_TRACE_LOADED_OBJECTS",
            "DYLD_INSERT_LIBRARIES", "DYLD_LIBRARY_PATH", "DYLD_FRAMEWORK_PATH", "DYLD_FALLBACK_LIBRARY_PATH",
            "DYLD_FALLBACK_FRAMEWORK_PATH", "DYLD_IMAGE_SUFFIX", "DYLD_PRINT_LIBRARIES",
            "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PYTHONUSERBASE", "RUBYLIB", "RUBYOPT", "PERL5LIB",
            "PERL5OPT", "PERLLIB", "NODE_PATH", "NODE_OPTIONS",
            "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "CDPATH", "GLOBIGNORE", "MAILPATH", "PROMPT_COMMAND",
            "GIT_ASKPASS", "SSH_ASKPASS", "GIT_SSH_COMMAND");

    /** The result of building a command's environment: the variables, or why it could not be built. */
    public record Built(Map<String, String> env, String error) {
    }

    private final PathGlobs allow;
    private final PathGlobs deny;
    private final int maxBytes;
    private final int maxKeys;
    private final boolean blockIteration;

    private EnvFilter(PathGlobs allow, PathGlobs deny, int maxBytes, int maxKeys, boolean blockIteration) {
        this.allow = allow;
        this.deny = deny;
        this.maxBytes = maxBytes;
        this.maxKeys = maxKeys;
        this.blockIteration = blockIteration;
    }

    static EnvFilter compile(EnvPolicy p, String key) throws PolicyException {
        return new EnvFilter(PathGlobs.compile(p.allow(), Glob.NO_SEPARATOR, null, key + ".allow"),
                PathGlobs.compile(p.deny(), Glob.NO_SEPARATOR, null, key + ".deny"), p.maxBytes(), p.maxKeys(),
                p.blockIteration());
    }

    /** This filter with a command rule's overrides: non-empty lists replace, positive limits override. */
    EnvFilter overriddenBy(List<Text> allowList, List<Text> denyList, int bytes, int keys, Boolean block, String key)
            throws PolicyException {
        return new EnvFilter(
                allowList.isEmpty() ? allow : PathGlobs.compile(allowList, Glob.NO_SEPARATOR, null, key + ".env_allow"),
                denyList.isEmpty() ? deny : PathGlobs.compile(denyList, Glob.NO_SEPARATOR, null, key + ".env_deny"),
                bytes > 0 ? bytes : maxBytes, keys > 0 ? keys : maxKeys, block != null ? block : blockIteration);
    }

    public boolean blockIteration() {
        return blockIteration;
    }

    Verdict check(String name, Trace t) {
        Glob denied = deny.match(name);
        if (denied != null) {
            if (t.on()) {
                t.add("deny pattern " + denied + " matched " + name);
            }
            return Outcomes.fallback(Decision.DENY, "deny", name + " matches env_policy deny pattern " + denied);
        }
        if (allow.isEmpty()) {
            if (BUILTIN_SECRETS.contains(name)) {
                if (t.on()) {
                    t.add(name + " is on the built-in secret list (active while there is no allow list)");
                }
                return Outcomes.fallback(Decision.DENY, "default-secret-deny", name + " is a well-known secret or loader variable");
            }
            if (t.on()) {
                t.add("no allow list and no deny pattern matched " + name);
            }
            return Outcomes.fallback(Decision.ALLOW, "default-allow", name + " is not denied");
        }
        Glob allowed = allow.match(name);
        if (allowed != null) {
            if (t.on()) {
                t.add("allow pattern " + allowed + " matched " + name);
            }
            return Outcomes.fallback(Decision.ALLOW, "allow", name + " matches env_policy allow pattern " + allowed);
        }
        if (t.on()) {
            t.add("no allow pattern matched " + name);
        }
        return Outcomes.fallback(Decision.DENY, "default-deny", name + " is not on the env_policy allow list");
    }

    /**
     * Builds a command's environment from the host's base variables and the session's extras.
     * {@code AGENTSH_*} extras always pass: they are agentsh's own. Empty base values are dropped.
     */
    public Built build(Map<String, String> base, Map<String, String> extras) {
        Map<String, String> out = new TreeMap<>();
        base.forEach((k, v) -> {
            if (!v.isEmpty() && check(k, Trace.OFF).allowed()) {
                out.put(k, v);
            }
        });
        extras.forEach((k, v) -> {
            if (k.startsWith("AGENTSH_") || check(k, Trace.OFF).allowed()) {
                out.put(k, v);
            }
        });
        if (maxKeys > 0 && out.size() > maxKeys) {
            return new Built(null, "env exceeds max_keys (" + maxKeys + ")");
        }
        long bytes = 0;
        for (var e : out.entrySet()) {
            bytes += (e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8).length + 1;
        }
        if (maxBytes > 0 && bytes > maxBytes) {
            return new Built(null, "env exceeds max_bytes (" + maxBytes + ")");
        }
        return new Built(Map.copyOf(out), null);
    }
}
