package dev.agentsh.cli.client;

import dev.agentsh.cli.MissingSubcommand;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentsh events ...}: query stored events, or follow a session's live ones. */
@Command(
        name = "events",
        description = "Query or follow audit events.",
        mixinStandardHelpOptions = true,
        subcommands = {EventsCommand.Query.class, EventsCommand.Tail.class})
public final class EventsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw MissingSubcommand.of(spec, "a subcommand");
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "Print matching events as a JSON array (null when there are none), newest first unless --order asc.")
    static final class Query implements Callable<Integer> {
        @Mixin
        ClientOptions client;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--session", paramLabel = "ID", description = "Only this session's events.")
        String session;
        @Option(names = "--type", paramLabel = "TYPES", description = "Comma-separated event types.")
        String type;
        @Option(names = "--decision", paramLabel = "D", description = "Policy decision: allow, deny, approve, ...")
        String decision;
        @Option(names = "--since", paramLabel = "T", description = "RFC3339 time, or a duration ago such as 1h.")
        String since;
        @Option(names = "--until", paramLabel = "T", description = "RFC3339 time, or a duration ago such as 5m.")
        String until;
        @Option(names = "--path-like", paramLabel = "P", description = "SQL LIKE pattern for the path, e.g. %%/secrets/%%.")
        String pathLike;
        @Option(names = "--domain-like", paramLabel = "P", description = "SQL LIKE pattern for the domain.")
        String domainLike;
        @Option(names = "--text-like", paramLabel = "P", description = "SQL LIKE pattern for the event's JSON.")
        String textLike;
        @Option(names = "--limit", defaultValue = "200", paramLabel = "N", description = "At most this many events (default: 200).")
        int limit;
        @Option(names = "--offset", defaultValue = "0", paramLabel = "N", description = "Skip this many events.")
        int offset;
        @Option(names = "--order", defaultValue = "desc", paramLabel = "ORDER", description = "desc (newest first, the default) or asc.")
        String order;

        @Override
        public Integer call() {
            if (!order.equals("asc") && !order.equals("desc")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--order expects asc or desc, got \"" + order + "\"");
            }
            Map<String, String> query = new LinkedHashMap<>();
            putIfSet(query, "type", type);
            putIfSet(query, "decision", decision);
            putIfSet(query, "since", since);
            putIfSet(query, "until", until);
            putIfSet(query, "path_like", pathLike);
            putIfSet(query, "domain_like", domainLike);
            putIfSet(query, "text_like", textLike);
            if (limit != 0) {
                query.put("limit", Integer.toString(limit));
            }
            if (offset != 0) {
                query.put("offset", Integer.toString(offset));
            }
            query.put("order", order);
            Json.print(spec.commandLine().getOut(),
                    client.withApi(api -> session != null ? api.history(session, query) : api.searchEvents(query)));
            return 0;
        }

        private static void putIfSet(Map<String, String> query, String name, String value) {
            if (value != null && !value.isEmpty()) {
                query.put(name, value);
            }
        }
    }

    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = "Print a session's events as they happen, one JSON object per line (the first, {}, marks the start).")
    static final class Tail implements Callable<Integer> {
        @Mixin
        ClientOptions client;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "SESSION_ID")
        String session;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            client.withApi(api -> {
                api.tailEvents(session, data -> {
                    out.println(data);
                    out.flush();
                });
                return null;
            });
            return 0;
        }
    }
}
