package dev.agentsh.cli;

import dev.agentsh.server.AgentshServer;
import dev.agentsh.server.ServerLog;
import dev.agentsh.server.config.ServerConfig;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentsh server}: runs the server until SIGINT or SIGTERM. */
@Command(name = "server", description = "Run the agentsh server.", mixinStandardHelpOptions = true)
final class ServerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: $AGENTSH_CONFIG, ~/.config/agentsh/config.yaml, /etc/agentsh/config.yaml, else built-in defaults).")
    Path config;

    /** Where the server's own messages go (logging.output); audit events are separate. */
    private static PrintStream logStream(ServerConfig.Logging logging) throws IOException {
        return switch (logging.output()) {
            case STDOUT -> System.out;
            case STDERR -> System.err;
            case FILE -> {
                Path file = logging.file().orElseThrow();
                Files.createDirectories(file.toAbsolutePath().getParent());
                yield new PrintStream(new FileOutputStream(file.toFile(), true), true, StandardCharsets.UTF_8);
            }
        };
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig cfg = config != null ? ServerConfig.load(config) : ServerConfig.discover(System.getenv());
        ServerLog log = new ServerLog(logStream(cfg.logging()), cfg.logging().level(), cfg.logging().format());
        log.info("config " + (cfg.source() == null ? "built-in defaults" : cfg.source()) + ", data in " + cfg.dataDir());
        AgentshServer server;
        try {
            server = AgentshServer.start(cfg, log);
        } catch (BindException e) {
            spec.commandLine().getErr().println("agentsh: cannot listen on " + cfg.server().http().addr() + ": " + e.getMessage()
                    + " (is another agentsh server running? check with: curl http://" + cfg.server().http().addr() + "/health)");
            return 1;
        }
        // On stdout whatever logging.output says: scripts and the original's users wait for this line.
        System.out.println("agentsh server listening on " + server.listening());
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                log.error("closing the event log failed: " + e.getMessage());
            }
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
