package dev.agentsh.cli;

import picocli.CommandLine;

/** The usage error of a command group run without one of its subcommands: it names them. */
public final class MissingSubcommand {
    private MissingSubcommand() {
    }

    /** @param what what is missing, e.g. "a subcommand" or "a subject" */
    public static CommandLine.ParameterException of(CommandLine.Model.CommandSpec spec, String what) {
        return new CommandLine.ParameterException(spec.commandLine(), what + " is required: " + String.join(", ", spec.subcommands().keySet()));
    }
}
