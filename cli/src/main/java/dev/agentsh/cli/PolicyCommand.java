package dev.agentsh.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.engine.EngineOptions;
import dev.agentsh.policy.engine.PolicyEngine;
import dev.agentsh.policy.engine.SignalTarget;
import dev.agentsh.policy.engine.Signals;
import dev.agentsh.policy.engine.Trace;
import dev.agentsh.policy.engine.Verdict;
import dev.agentsh.policy.load.PolicyStore;
import dev.agentsh.policy.model.Policy;
import dev.agentsh.policy.testing.Check;
import dev.agentsh.policy.testing.PolicySuite;
import dev.agentsh.server.host.HostExecutables;
import dev.agentsh.server.host.ProjectRoots;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/** {@code agentsh policy ...}: list, show, validate, check and test policies without a server. */
@Command(
        name = "policy",
        description = "Inspect and test policies offline.",
        mixinStandardHelpOptions = true,
        subcommands = {
            PolicyCommand.ListPolicies.class,
            PolicyCommand.Show.class,
            PolicyCommand.Validate.class,
            PolicyCommand.CheckCommand.class,
            PolicyCommand.Test.class
        })
public final class PolicyCommand implements Runnable {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Directory of policy files (default: $AGENTSH_POLICY_DIR, else only the built-in policies).")
    Path dir;

    /** Commands that take a program and its arguments stop option parsing at the program. */
    static void configure(CommandLine policy) {
        CommandLine check = policy.getSubcommands().get("check");
        check.getSubcommands().get("exec").setStopAtPositional(true);
        check.getSubcommands().get("command").setStopAtPositional(true);
    }

    @Override
    public void run() {
        throw MissingSubcommand.of(spec, "a subcommand");
    }

    PolicyStore store() {
        Path d = dir;
        if (d == null && System.getenv("AGENTSH_POLICY_DIR") != null) {
            d = Path.of(System.getenv("AGENTSH_POLICY_DIR"));
        }
        return new PolicyStore(d, null);
    }

    static Map<String, String> parseVars(List<String> vars, CommandLine cl) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : vars) {
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(cl, "--var expects NAME=VALUE, got \"" + v + "\"");
            }
            out.put(v.substring(0, eq), v.substring(eq + 1));
        }
        return out;
    }

    /** Explicit values first, then the project detected from the current directory, then the environment. */
    static Function<String, String> variables(Map<String, String> explicit) {
        Function<String, String> host = ProjectRoots.detect(Path.of(""), ProjectRoots.DEFAULT_MARKERS).variables(null);
        return name -> explicit.containsKey(name) ? explicit.get(name) : host.apply(name);
    }

    static PolicyEngine compile(Policy policy, Map<String, String> vars, boolean approvals) throws PolicyException {
        EngineOptions options = EngineOptions.defaults()
                .withVariables(variables(vars))
                .withExecutables(HostExecutables.current())
                .withApprovals(approvals);
        return PolicyEngine.compile(policy, options);
    }

    @Command(name = "list", description = "List the policies available by name.", mixinStandardHelpOptions = true)
    static final class ListPolicies implements Callable<Integer> {
        @ParentCommand
        PolicyCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PolicyStore store = parent.store();
            for (String name : store.names()) {
                String where;
                String description;
                try {
                    PolicyStore.Source source = store.byName(name);
                    where = source.location();
                    Policy p = source.load();
                    description = p.description().strip().lines().findFirst().orElse("");
                } catch (PolicyException e) {
                    where = e.mark().source();
                    description = "(does not load: " + e.problem() + ")";
                }
                out.printf("%-18s %-40s %s%n", name, where, description);
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Print a policy (its YAML, or as JSON).", mixinStandardHelpOptions = true)
    static final class Show implements Callable<Integer> {
        @ParentCommand
        PolicyCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME|FILE", description = "A policy name or a policy file.")
        String policy;
        @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "yaml", description = "yaml or json (default: yaml).")
        String output;

        @Override
        public Integer call() throws Exception {
            PolicyStore.Source source = parent.store().find(policy);
            source.load();
            PrintWriter out = spec.commandLine().getOut();
            switch (output) {
                case "yaml" -> out.print(source.text().endsWith("\n") ? source.text() : source.text() + "\n");
                case "json" -> {
                    Object tree = new Load(LoadSettings.builder().build()).loadFromString(source.text());
                    out.println(JSON.writeValueAsString(tree));
                }
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "--output expects yaml or json, got \"" + output + "\"");
            }
            return 0;
        }
    }

    @Command(name = "validate", description = "Load and compile policies; print ok or the error for each.", mixinStandardHelpOptions = true)
    static final class Validate implements Callable<Integer> {
        @ParentCommand
        PolicyCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "NAME|FILE", description = "Policy names or files.")
        List<String> policies;
        @Option(names = "--var", paramLabel = "NAME=VALUE", description = "A value for ${NAME} in the policy (repeatable).")
        List<String> vars = new ArrayList<>();

        @Override
        public Integer call() {
            Map<String, String> values = parseVars(vars, spec.commandLine());
            int failed = 0;
            for (String p : policies) {
                try {
                    PolicyStore.Source source = parent.store().find(p);
                    compile(source.load(), values, false);
                    spec.commandLine().getOut().println("ok " + source.location());
                } catch (PolicyException e) {
                    spec.commandLine().getErr().println(e.getMessage());
                    failed++;
                }
            }
            return failed == 0 ? 0 : 1;
        }
    }

    @Command(name = "test", description = "Run policy test suites; prints failures and 'N passed, N failed'.", mixinStandardHelpOptions = true)
    static final class Test implements Callable<Integer> {
        @ParentCommand
        PolicyCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "FILE_OR_DIR", description = "Suite files, or directories of them.")
        List<Path> paths;

        @Override
        public Integer call() throws IOException {
            PolicySuite runner = new PolicySuite(parent.store(), HostExecutables.current(), variables(Map.of()));
            int passed = 0;
            int failed = 0;
            PrintWriter out = spec.commandLine().getOut();
            for (Path p : paths) {
                if (!Files.exists(p)) {
                    out.println("FAIL " + p + ": no such file or directory");
                    failed++;
                    continue;
                }
                for (Path file : PolicySuite.suiteFiles(p)) {
                    for (PolicySuite.Result r : runner.run(file)) {
                        if (r.passed()) {
                            passed++;
                        } else {
                            failed++;
                            out.println("FAIL " + r.mark() + " " + r.name() + ": " + r.failure());
                        }
                    }
                }
            }
            out.println(passed + " passed, " + failed + " failed");
            return failed == 0 ? 0 : 1;
        }
    }

    @Command(name = "check", description = "Ask a policy what it decides for one operation.", mixinStandardHelpOptions = true,
            subcommands = {CheckCommand.Exec.class, CheckCommand.Cmd.class, CheckCommand.FileOp.class, CheckCommand.Net.class,
                CheckCommand.Unix.class, CheckCommand.Env.class, CheckCommand.Signal.class})
    static final class CheckCommand implements Runnable {
        @ParentCommand
        PolicyCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--policy", scope = ScopeType.INHERIT, paramLabel = "NAME|FILE", defaultValue = "default",
                description = "The policy (default: default).")
        String policy;
        @Option(names = "--output", scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "text",
                description = "text or json (default: text).")
        String output;
        @Option(names = "--var", scope = ScopeType.INHERIT, paramLabel = "NAME=VALUE",
                description = "A value for ${NAME} in the policy (repeatable).")
        List<String> vars = new ArrayList<>();
        @Option(names = "--approvals", scope = ScopeType.INHERIT,
                description = "Approvals are enforced (approve stays approve instead of a shadow allow).")
        boolean approvals;

        @Override
        public void run() {
            throw MissingSubcommand.of(spec, "a subject");
        }

        int check(Check check, CommandLine cl) throws PolicyException, IOException {
            if (!output.equals("text") && !output.equals("json")) {
                throw new CommandLine.ParameterException(cl, "--output expects text or json, got \"" + output + "\"");
            }
            Map<String, String> values = parseVars(vars, cl);
            PolicyEngine engine = compile(parent.store().find(policy).load(), values, approvals);
            Trace trace = Trace.recording();
            Verdict v = check.run(engine, trace);
            PrintWriter out = cl.getOut();
            if (output.equals("json")) {
                out.println(JSON.writeValueAsString(VerdictJson.of(v)));
            } else {
                VerdictJson.printText(v, check, out);
            }
            return 0;
        }

        @Command(name = "exec", description = "The execve-time check: canonical path, unwrapping, depth.", mixinStandardHelpOptions = true)
        static final class Exec implements Callable<Integer> {
            @ParentCommand
            CheckCommand check;
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;
            @Option(names = "--depth", paramLabel = "N", defaultValue = "0", description = "Execution depth (0 = the session's command).")
            int depth;
            @Parameters(arity = "1..*", paramLabel = "PATH_OR_NAME [ARGS...]")
            List<String> argv;

            @Override
            public Integer call() throws Exception {
                if (depth < 0) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--depth expects a number >= 0");
                }
                return check.check(new Check.Exec(argv, depth), spec.commandLine());
            }
        }

        @Command(name = "command", description = "The API pre-check of a command, including sh -c analysis.", mixinStandardHelpOptions = true)
        static final class Cmd implements Callable<Integer> {
            @ParentCommand
            CheckCommand check;
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;
            @Parameters(arity = "1..*", paramLabel = "NAME [ARGS...]")
            List<String> argv;

            @Override
            public Integer call() throws Exception {
                return check.check(new Check.Command(argv), spec.commandLine());
            }
        }

        @Command(name = "file", description = "A file operation.", mixinStandardHelpOptions = true)
        static final class FileOp implements Callable<Integer> {
            @ParentCommand
            CheckCommand check;
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;
            @Option(names = "--op", required = true, paramLabel = "OP",
                    description = "open, read, stat, list, readlink, access, write, create, delete, rmdir, mkdir, rename, link, symlink, chmod, chown, mknod")
            String op;
            @Parameters(paramLabel = "PATH")
            String path;

            @Override
            public Integer call() throws Exception {
                if (!dev.agentsh.policy.load.PolicyLoader.FILE_OPERATIONS.contains(op)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--op expects one of "
                            + String.join(", ", dev.agentsh.policy.load.PolicyLoader.FILE_OPERATIONS.stream().sorted().toList()) + ", got \"" + op + "\"");
                }
                return check.check(new Check.File(path, op), spec.commandLine());
            }
        }

        @Command(name = "net", description = "A network connection (port defaults to 443).", mixinStandardHelpOptions = true)
        static final class Net implements Callable<Integer> {
            @ParentCommand
            CheckCommand check;
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;
            @Parameters(paramLabel = "HOST[:PORT]")
            String target;
            @Option(names = "--ip", paramLabel = "ADDRESS", description = "An address the host resolves to (repeatable).")
            List<String> ips = new ArrayList<>();

            @Override
            public Integer call() throws Exception {
                for (String ip : ips) {
                    if (!dev.agentsh.policy.match.IpLiterals.isIp(ip)) {
                        throw new CommandLine.ParameterException(spec.commandLine(), "--ip expects an IP address, got \"" + ip + "\"");
                    }
                }
                Check.Net net = Check.Net.parse(target, ips);
                if (net == null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "expected HOST, HOST:PORT or [IPv6]:PORT, got \"" + target + "\"");
                }
                return check.check(net, spec.commandLine());
            }
        }

        @Command(name = "unix", description = "A unix socket operation.", mixinStandardHelpOptions = true)
        static final class Unix implements Callable<Integer> {
            @ParentCommand
            CheckCommand check;
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;
            @Option(names = "--op", defaultValue = "connect", paramLabel = "OP", description = "connect, bind, listen or sendto (default: connect).")
            String op;
            @Parameters(paramLabel = "PATH")
            String path;

            @Override
            public Integer call() throws Exception {
                if (!dev.agentsh.policy.load.PolicyLoader.UNIX_OPERATIONS.contains(op)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--op expects connect, bind, listen or sendto, got \"" + op + "\"");
                }
                return check.check(new Check.Unix(path, op), spec.commandLine());
            }
        }

        @Command(name = "env", description = "Whether an environment variable may reach commands.", mixinStandardHelpOptions = true)
        static final class Env implements Callable<Integer> {
            @ParentCommand
            CheckCommand check;
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;
            @Parameters(paramLabel = "NAME")
            String name;

            @Override
            public Integer call() throws Exception {
                return check.check(new Check.Env(name), spec.commandLine());
            }
        }

        @Command(name = "signal", description = "A signal sent to a target.", mixinStandardHelpOptions = true)
        static final class Signal implements Callable<Integer> {
            @ParentCommand
            CheckCommand check;
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;
            @Option(names = "--signal", required = true, paramLabel = "SIG", description = "SIGTERM, TERM or 15.")
            String signal;
            @Option(names = "--target", required = true, paramLabel = "TYPE",
                    description = "self, children, descendants, siblings, session, parent, external, system or user.")
            String target;
            @Option(names = "--target-comm", defaultValue = "", paramLabel = "NAME", description = "The target's command name.")
            String comm;
            @Option(names = "--target-pid", defaultValue = "0", paramLabel = "PID", description = "The target's pid.")
            int pid;

            @Override
            public Integer call() throws Exception {
                int n = Signals.parse(signal);
                if (n < 0) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--signal expects a signal such as SIGTERM, TERM or 15, got \"" + signal + "\"");
                }
                if (!SignalTarget.RELATIONS.contains(target)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--target expects one of "
                            + String.join(", ", SignalTarget.RELATIONS) + ", got \"" + target + "\"");
                }
                return check.check(new Check.Signal(n, target, comm, pid), spec.commandLine());
            }
        }
    }
}
