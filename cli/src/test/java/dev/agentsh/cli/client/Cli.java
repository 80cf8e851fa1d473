package dev.agentsh.cli.client;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The client commands under a root set up the way {@code dev.agentsh.cli.Main} sets up {@code agentsh}. */
@Command(name = "agentsh", subcommands = {SessionCommand.class, ExecCommand.class, EventsCommand.class, ApproveCommand.class, DebugCommand.class})
final class Cli {
    record Run(int exit, String out, String err) {
    }

    /** Gives every command's {@link ClientOptions} the test's environment instead of the JVM's. */
    private record Factory(Environment environment) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == ClientOptions.class) {
                return cls.cast(new ClientOptions(environment));
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    static Run run(Environment environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Cli(), new Factory(environment));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        ExecCommand.configure(cli);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("agentsh: " + e.getMessage());
            return 1;
        });
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** An environment with these variables (name, value, name, value, ...), not on a terminal. */
    static Environment env(Path cwd, String... variables) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < variables.length; i += 2) {
            map.put(variables[i], variables[i + 1]);
        }
        return new Environment(map, cwd, false, InputStream.nullInputStream(), OutputStream.nullOutputStream());
    }
}
