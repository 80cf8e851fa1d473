package dev.agentsh.policy.testing;

import dev.agentsh.policy.engine.PolicyEngine;
import dev.agentsh.policy.engine.SignalTarget;
import dev.agentsh.policy.engine.Signals;
import dev.agentsh.policy.engine.Trace;
import dev.agentsh.policy.engine.Verdict;
import dev.agentsh.policy.match.IpLiterals;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** One question to ask a policy: the subjects of {@code agentsh policy check} and of test suites. */
public sealed interface Check {
    Verdict run(PolicyEngine engine, Trace trace);

    /** How the check reads on a command line, for reports. */
    String describe();

    record Exec(List<String> argv, int depth) implements Check {
        public Verdict run(PolicyEngine engine, Trace trace) {
            return engine.checkExecve(engine.canonicalExecutable(argv.getFirst()), argv, depth, trace);
        }

        public String describe() {
            return "exec --depth " + depth + " -- " + String.join(" ", argv);
        }
    }

    record Command(List<String> argv) implements Check {
        public Verdict run(PolicyEngine engine, Trace trace) {
            return engine.checkCommand(argv, trace);
        }

        public String describe() {
            return "command -- " + String.join(" ", argv);
        }
    }

    record File(String path, String operation) implements Check {
        public Verdict run(PolicyEngine engine, Trace trace) {
            return engine.checkFile(path, operation, trace);
        }

        public String describe() {
            return "file --op " + operation + " " + path;
        }
    }

    /** @param addresses what the host resolved to (IP literals), may be empty */
    record Net(String host, int port, List<String> addresses) implements Check {
        public Verdict run(PolicyEngine engine, Trace trace) {
            List<byte[]> resolved = new ArrayList<>();
            for (String a : addresses) {
                resolved.add(IpLiterals.parse(a));
            }
            return engine.checkNetwork(host, port, resolved, trace);
        }

        public String describe() {
            return "net " + host + ":" + port + (addresses.isEmpty() ? "" : " (resolved " + String.join(", ", addresses) + ")");
        }

        /** Parses {@code HOST[:PORT]} and {@code [v6]:PORT}; the port defaults to 443. Null when malformed. */
        public static Net parse(String spec, List<String> addresses) {
            String host = spec.strip();
            int port = 443;
            if (host.startsWith("[")) {
                int close = host.indexOf(']');
                if (close < 0) {
                    return null;
                }
                String rest = host.substring(close + 1);
                host = host.substring(1, close);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        return null;
                    }
                    port = parsePort(rest.substring(1));
                }
            } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
                port = parsePort(host.substring(host.indexOf(':') + 1));
                host = host.substring(0, host.indexOf(':'));
            }
            if (port < 0 || host.isEmpty()) {
                return null;
            }
            return new Net(host, port, addresses);
        }

        private static int parsePort(String s) {
            try {
                int p = Integer.parseInt(s);
                return p >= 0 && p <= 65535 ? p : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    record Unix(String path, String operation) implements Check {
        public Verdict run(PolicyEngine engine, Trace trace) {
            return engine.checkUnixSocket(path, operation, trace);
        }

        public String describe() {
            return "unix --op " + operation + " " + path;
        }
    }

    record Env(String name) implements Check {
        public Verdict run(PolicyEngine engine, Trace trace) {
            return engine.checkEnv(name, trace);
        }

        public String describe() {
            return "env " + name;
        }
    }

    record Signal(int signal, String target, String targetComm, int targetPid) implements Check {
        public Verdict run(PolicyEngine engine, Trace trace) {
            return engine.checkSignal(signal, SignalTarget.of(Set.of(target), targetComm, targetPid), trace);
        }

        public String describe() {
            return "signal --signal " + Signals.name(signal) + " --target " + target
                    + (targetComm.isEmpty() ? "" : " --target-comm " + targetComm);
        }
    }
}
