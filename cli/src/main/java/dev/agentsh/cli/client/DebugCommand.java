package dev.agentsh.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentsh.cli.MissingSubcommand;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code agentsh debug ...}: ask the running server's policy about one operation. */
@Command(
        name = "debug",
        description = "Diagnostics against the running server.",
        mixinStandardHelpOptions = true,
        subcommands = {DebugCommand.PolicyTest.class})
public final class DebugCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw MissingSubcommand.of(spec, "a subcommand");
    }

    @Command(name = "policy-test", mixinStandardHelpOptions = true,
            description = "What the server's policy decides for an operation (a session's policy with --session).")
    static final class PolicyTest implements Callable<Integer> {
        @Mixin
        ClientOptions client;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--op", required = true, paramLabel = "OP", description = "file_read, file_write, net_connect, exec, ...")
        String operation;
        @Option(names = "--path", required = true, paramLabel = "TARGET", description = "The path, host[:port] or command.")
        String path;
        @Option(names = "--session", paramLabel = "ID", description = "Use this session's policy.")
        String session;
        @Option(names = "--json", description = "Print the server's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            ObjectNode body = Json.object();
            if (session != null) {
                body.put("session_id", session);
            }
            body.put("operation", operation).put("path", path);
            JsonNode result = client.withApi(api -> api.policyTest(body));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Json.print(out, result);
                return 0;
            }
            out.println("Operation: " + operation);
            out.println("Path:      " + path);
            out.println();
            out.println("Decision:  " + result.path("decision").asText("").toUpperCase(Locale.ROOT));
            printIfSet(out, "Rule:      ", result.path("rule").asText(""));
            printIfSet(out, "Reason:    ", result.path("reason").asText(""));
            JsonNode redirect = result.path("redirect");
            if (redirect.isObject()) {
                StringBuilder to = new StringBuilder(redirect.path("command").asText(""));
                redirect.path("args").forEach(a -> to.append(' ').append(a.asText()));
                out.println("Redirect:  " + to);
            }
            return 0;
        }

        private static void printIfSet(PrintWriter out, String label, String value) {
            if (!value.isEmpty()) {
                out.println(label + value);
            }
        }
    }
}
