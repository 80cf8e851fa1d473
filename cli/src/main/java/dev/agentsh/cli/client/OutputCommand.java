package dev.agentsh.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentsh output SID CMD_ID}: a page of a finished command's stored output (the exec response's pagination points here). */
@Command(name = "output", mixinStandardHelpOptions = true, description = "Print a page of a command's stored output.")
public final class OutputCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "SESSION_ID")
    String session;
    @Parameters(index = "1", paramLabel = "COMMAND_ID")
    String command;
    @Option(names = "--stream", defaultValue = "stdout", paramLabel = "STREAM", description = "stdout or stderr (default: stdout).")
    String stream;
    @Option(names = "--offset", defaultValue = "0", paramLabel = "N", description = "First byte (default: 0).")
    long offset;
    @Option(names = "--limit", defaultValue = "65536", paramLabel = "N", description = "Bytes to print (default: 65536).")
    long limit;

    @Override
    public Integer call() {
        if (!stream.equals("stdout") && !stream.equals("stderr")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--stream expects stdout or stderr, got \"" + stream + "\"");
        }
        if (offset < 0 || limit <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--offset expects a number >= 0 and --limit a number > 0");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("stream", stream);
        query.put("offset", Long.toString(offset));
        query.put("limit", Long.toString(limit));
        JsonNode page = client.withApi(api -> api.output(session, command, query));
        spec.commandLine().getOut().print(page.path("data").asText(""));
        spec.commandLine().getOut().flush();
        if (page.path("has_more").asBoolean(false)) {
            spec.commandLine().getErr().println("\n-- more -- offset=" + (offset + limit) + " total=" + page.path("total_bytes").asLong());
        }
        return 0;
    }
}
