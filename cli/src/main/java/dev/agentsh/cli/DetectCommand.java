package dev.agentsh.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.agentsh.kernel.detect.DetectConfig;
import dev.agentsh.kernel.detect.DetectResult;
import dev.agentsh.kernel.detect.DetectTable;
import dev.agentsh.kernel.detect.Detector;
import dev.agentsh.server.config.ConfigException;
import dev.agentsh.server.config.ServerConfig;
import dev.agentsh.server.exec.CommandEnforcement;
import dev.agentsh.server.seccomp.SeccompNotifyProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentsh detect}: probe this host's kernel features locally (no server) and say what agentsh enforces. */
@Command(name = "detect", mixinStandardHelpOptions = true, subcommands = DetectCommand.Config.class,
        description = {"Detect available security capabilities.",
            "Probes seccomp, Landlock, eBPF, FUSE, ptrace, cgroups and namespaces by using them, and scores what "
                    + "this agentsh applies to commands. 'agentsh detect config' generates a configuration."})
public final class DetectCommand implements Callable<Integer> {
    private static final List<String> FORMATS = List.of("table", "json", "yaml");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or yaml (default: table).")
    String output;

    /**
     * The detector the CLI and the server share, scoring what a server with the configuration found as
     * {@code agentsh server} would find it ({@code $AGENTSH_CONFIG}, the usual files, else the built-in defaults)
     * enforces. A configuration that does not load is reported, and the built-in defaults are scored instead.
     */
    Detector detector() {
        ServerConfig config;
        try {
            config = ServerConfig.discover(System.getenv());
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("agentsh: detect: " + e.getMessage()
                    + " (scoring the built-in default configuration instead)");
            try {
                config = ServerConfig.builtin();
            } catch (ConfigException builtinBroken) {
                throw new IllegalStateException("the built-in configuration does not load", builtinBroken);
            }
        }
        return new Detector(new SeccompNotifyProbe(), CommandEnforcement.of(config));
    }

    @Override
    public Integer call() throws IOException {
        if (!FORMATS.contains(output)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--output expects one of " + String.join(", ", FORMATS) + ", got \"" + output + "\"");
        }
        DetectResult result = detector().detect();
        PrintWriter out = spec.commandLine().getOut();
        switch (output) {
            case "json" -> out.println(JSON.writeValueAsString(result.toMap()));
            case "yaml" -> out.print(new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build())
                    .dumpToString(result.toMap()));
            default -> out.print(DetectTable.render(result));
        }
        out.flush();
        return 0;
    }

    @Command(name = "config", mixinStandardHelpOptions = true,
            description = {"Generate a configuration for the detected security mode.",
                "Prints to stdout, or writes FILE with --output."})
    static final class Config implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.ParentCommand
        DetectCommand detect;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the configuration to FILE instead of stdout.")
        Path file;

        @Override
        public Integer call() throws IOException {
            String yaml = DetectConfig.render(detect.detector().detect());
            PrintWriter out = spec.commandLine().getOut();
            if (file == null) {
                out.print(yaml);
            } else {
                Files.writeString(file, yaml, StandardCharsets.UTF_8);
                out.println("Configuration written to " + file);
            }
            out.flush();
            return 0;
        }
    }
}
