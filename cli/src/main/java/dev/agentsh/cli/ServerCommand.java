package dev.agentsh.cli;

import dev.agentsh.server.AgentshServer;
import dev.agentsh.server.config.ServerConfig;
import java.io.IOException;
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

    @Override
    public Integer call() throws Exception {
        ServerConfig cfg = config != null ? ServerConfig.load(config) : ServerConfig.discover(System.getenv());
        System.err.println("agentsh: config " + (cfg.source() == null ? "built-in defaults" : cfg.source()) + ", data in " + cfg.dataDir());
        AgentshServer server;
        try {
            server = AgentshServer.start(cfg, System.out);
        } catch (BindException e) {
            spec.commandLine().getErr().println("agentsh: cannot listen on " + cfg.server().http().addr() + ": " + e.getMessage()
                    + " (is another agentsh server running? check with: curl http://" + cfg.server().http().addr() + "/health)");
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                System.err.println("agentsh: closing the event log failed: " + e.getMessage());
            }
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
