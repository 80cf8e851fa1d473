package dev.agentsh.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentsh.cli.client.ApiClient;
import dev.agentsh.server.AgentshServer;
import dev.agentsh.server.ServerLog;
import dev.agentsh.server.config.ServerConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code agentsh train-aot}: the training run of the server's ahead-of-time cache. {@code bin/agentsh} runs it
 * under {@code -XX:AOTCacheOutput} after each build: a server on a free loopback port and a scratch data
 * directory, with the built-in policy, runs a few thousand execs (through the execve supervisor where this host
 * has seccomp user-notify), a denied command and an event query, then stops. The JVM then keeps the classes it
 * loaded and the profiles it gathered, so a server started with the cache answers its first execs with
 * optimised code instead of spending its first ten thousand compiling.
 */
@Command(name = "train-aot", hidden = true, description = "Training run for the server's AOT cache (bin/agentsh runs it).")
final class TrainAotCommand implements Callable<Integer> {
    /** Execs per round; /bin/true keeps the rounds short. */
    private static final int EXECS = 1000;
    private static final int ROUNDS = 3;
    private static final Duration EXEC_TIMEOUT = Duration.ofMinutes(5);

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("agentsh-aot-training");
        try {
            Path workspace = Files.createDirectories(dir.resolve("workspace"));
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    data_dir: %s
                    server:
                      http:
                        addr: 127.0.0.1:0
                      unix_socket:
                        enabled: false
                    logging:
                      level: warn
                    sandbox:
                      seccomp:
                        enabled: true
                        execve:
                          enabled: true
                    """.formatted(dir.resolve("data")));
            ServerConfig cfg = ServerConfig.load(config);
            try (AgentshServer server = AgentshServer.start(cfg, new ServerLog(System.err, cfg.logging().level(),
                    cfg.logging().format()))) {
                ApiClient api = new ApiClient(URI.create("http://" + server.listening()), null, null);
                String session = api.createSession(JsonNodeFactory.instance.objectNode()
                        .put("workspace", workspace.toString())).path("id").asText();
                // A script the pre-check can read, so the default policy runs it even where interception is off.
                ObjectNode loop = JsonNodeFactory.instance.objectNode().put("command", "sh").put("include_events", "summary");
                loop.putArray("args").add("-c").add("seq " + EXECS + " | xargs -n 1 /bin/true");
                for (int round = 0; round < ROUNDS; round++) {
                    api.exec(session, loop, EXEC_TIMEOUT);
                }
                // Refused by the built-in policy: the answer is an ExecResponse, which exec returns.
                ObjectNode denied = JsonNodeFactory.instance.objectNode().put("command", "sudo");
                denied.putArray("args").add("true");
                api.exec(session, denied, EXEC_TIMEOUT);
                api.searchEvents(Map.of("session_id", session, "type", "execve", "limit", "100"));
            }
            return 0;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
