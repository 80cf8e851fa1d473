package dev.agentsh.cli.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentsh.cli.MissingSubcommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentsh approve ...}: list the requests waiting for a human, and answer one. */
@Command(
        name = "approve",
        description = "List and resolve pending approvals.",
        mixinStandardHelpOptions = true,
        subcommands = {ApproveCommand.ListApprovals.class, ApproveCommand.Resolve.class})
public final class ApproveCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw MissingSubcommand.of(spec, "a subcommand");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print pending approval requests as a JSON array.")
    static final class ListApprovals implements Callable<Integer> {
        @Mixin
        ClientOptions client;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Json.print(spec.commandLine().getOut(), client.withApi(ApiClient::approvals));
            return 0;
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true, description = "Allow or deny a pending request; prints ok.")
    static final class Resolve implements Callable<Integer> {
        @Mixin
        ClientOptions client;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "APPROVAL_ID")
        String id;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Decision decision;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why (recorded with the decision).")
        String reason;

        /** Exactly one of the two: picocli rejects neither and both. */
        static final class Decision {
            @Option(names = "--allow", required = true, description = "Let the operation proceed.")
            boolean allow;
            @Option(names = "--deny", required = true, description = "Refuse it.")
            boolean deny;
        }

        @Override
        public Integer call() {
            ObjectNode body = Json.object().put("decision", decision.allow ? "approve" : "deny");
            if (reason != null) {
                body.put("reason", reason);
            }
            client.withApi(api -> {
                api.resolveApproval(id, body);
                return null;
            });
            spec.commandLine().getOut().println("ok");
            return 0;
        }
    }
}
