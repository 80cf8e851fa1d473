package dev.agentsh.cli;

import dev.agentsh.cli.client.ApproveCommand;
import dev.agentsh.cli.client.DebugCommand;
import dev.agentsh.cli.client.EventsCommand;
import dev.agentsh.cli.client.ExecCommand;
import dev.agentsh.cli.client.OutputCommand;
import dev.agentsh.cli.client.SessionCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code agentsh} command. */
@Command(
        name = "agentsh",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Execution-layer security gateway for AI agents.",
        subcommands = {PolicyCommand.class, ServerCommand.class, SessionCommand.class, ExecCommand.class, DetectCommand.class,
            EventsCommand.class, ApproveCommand.class, DebugCommand.class, OutputCommand.class, TrainAotCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        PolicyCommand.configure(cli.getSubcommands().get("policy"));
        ExecCommand.configure(cli);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("agentsh: " + e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw MissingSubcommand.of(spec, "a command");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"agentsh " + p.getProperty("version", "unknown")};
        }
    }
}
