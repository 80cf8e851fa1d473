package dev.agentsh.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentsh.cli.MissingSubcommand;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentsh session ...}: create, list, inspect, update and destroy sessions on the server. */
@Command(
        name = "session",
        description = "Manage sessions on the agentsh server.",
        mixinStandardHelpOptions = true,
        subcommands = {
            SessionCommand.Create.class,
            SessionCommand.ListSessions.class,
            SessionCommand.Info.class,
            SessionCommand.Update.class,
            SessionCommand.Destroy.class
        })
public final class SessionCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw MissingSubcommand.of(spec, "a subcommand");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a session; prints its JSON (a friendly line instead when stdout is a terminal and --json is not given).")
    static final class Create implements Callable<Integer> {
        @Mixin
        ClientOptions client;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--workspace", defaultValue = ".", paramLabel = "DIR", description = "The workspace directory (default: the current directory).")
        String workspace;
        @Option(names = "--policy", paramLabel = "NAME", description = "Policy name (default: the server's default policy).")
        String policy;
        @Option(names = "--real-paths", description = "Show commands the real workspace path instead of /workspace.")
        boolean realPaths;
        @Option(names = "--json", description = "Print the session as JSON, also on a terminal.")
        boolean json;

        @Override
        public Integer call() {
            Environment env = client.environment();
            ObjectNode body = Json.object().put("workspace", env.realDirectory(workspace, "workspace").toString());
            if (policy != null) {
                body.put("policy", policy);
            }
            if (env.get("HOME") != null) {
                body.put("home", env.get("HOME"));
            }
            if (realPaths) {
                body.put("real_paths", true);
            }
            // Creating a session is the seed's first step, so it may start the server, as exec does.
            JsonNode session = client.withApi(api -> Autostart.withServer(api, client.environment(), spec.commandLine().getErr(),
                    () -> api.createSession(body)));
            PrintWriter out = spec.commandLine().getOut();
            if (json || !env.terminal()) {
                Json.print(out, session);
            } else {
                out.printf("Session %s started (workspace %s, policy %s)%n",
                        session.path("id").asText(), session.path("workspace").asText(), session.path("policy").asText());
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print all sessions as a JSON array.")
    static final class ListSessions implements Callable<Integer> {
        @Mixin
        ClientOptions client;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Json.print(spec.commandLine().getOut(), client.withApi(ApiClient::sessions));
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Print one session as JSON.")
    static final class Info implements Callable<Integer> {
        @Mixin
        ClientOptions client;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "SESSION_ID")
        String id;

        @Override
        public Integer call() {
            Json.print(spec.commandLine().getOut(), client.withApi(api -> api.session(id)));
            return 0;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a session's working directory or environment; prints the session.")
    static final class Update implements Callable<Integer> {
        @Mixin
        ClientOptions client;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "SESSION_ID")
        String id;
        @Option(names = "--cwd", paramLabel = "PATH", description = "New working directory (under /workspace unless the session uses real paths).")
        String cwd;
        @Option(names = "--set-env", paramLabel = "KEY=VALUE", description = "Set a variable (repeatable).")
        List<String> setEnv = new ArrayList<>();
        @Option(names = "--unset-env", paramLabel = "KEY", description = "Remove a variable (repeatable).")
        List<String> unsetEnv = new ArrayList<>();

        @Override
        public Integer call() {
            ObjectNode patch = Json.object();
            if (cwd != null) {
                patch.put("cwd", cwd);
            }
            if (!setEnv.isEmpty()) {
                ObjectNode env = patch.putObject("env");
                for (String kv : setEnv) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new CommandLine.ParameterException(spec.commandLine(), "--set-env expects KEY=VALUE, got \"" + kv + "\"");
                    }
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            if (!unsetEnv.isEmpty()) {
                unsetEnv.forEach(patch.putArray("unset")::add);
            }
            Json.print(spec.commandLine().getOut(), client.withApi(api -> api.updateSession(id, patch)));
            return 0;
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true, description = "Destroy a session; prints ok.")
    static final class Destroy implements Callable<Integer> {
        @Mixin
        ClientOptions client;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "SESSION_ID")
        String id;

        @Override
        public Integer call() {
            client.withApi(api -> {
                api.destroySession(id);
                return null;
            });
            spec.commandLine().getOut().println("ok");
            return 0;
        }
    }
}
