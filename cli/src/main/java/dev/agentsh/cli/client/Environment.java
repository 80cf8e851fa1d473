package dev.agentsh.cli.client;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the client gets from where it runs: environment variables, the working directory, whether it
 * talks to a terminal (stdin and stdout both), and the raw stdin and stdout bytes that {@code exec --pty}
 * relays. Commands get it from {@link ClientOptions}, so tests can supply their own.
 */
public record Environment(Map<String, String> variables, Path cwd, boolean terminal, InputStream stdin, OutputStream stdout) {
    public Environment {
        variables = Map.copyOf(variables);
        cwd = cwd.toAbsolutePath();
    }

    public static Environment current() {
        // Since JDK 22 System.console() may exist while the streams are redirected; isTerminal() (isatty
        // on stdin and on stdout) is what tells `SID=$(agentsh session create ...)` apart from a person
        // at a terminal, and an interactive `agentsh exec SID -- claude` from an agent's call.
        Console console = System.console();
        return new Environment(System.getenv(), Path.of("").toAbsolutePath(), console != null && console.isTerminal(),
                System.in, System.out);
    }

    /** The variable's value, or null when it is unset or blank (an empty AGENTSH_SESSION_ID names no session). */
    public String get(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /**
     * {@code path} resolved here, against our working directory, with symlinks followed: the server has
     * its own working directory, so a relative path must never reach it.
     */
    public Path realDirectory(String path, String what) {
        Path resolved = cwd.resolve(path);
        try {
            Path real = resolved.toRealPath();
            if (!Files.isDirectory(real)) {
                throw new ClientException(what + " " + path + " is not a directory (" + real + ")");
            }
            return real;
        } catch (NoSuchFileException e) {
            throw new ClientException(what + " " + path + " does not exist (" + resolved.normalize() + ")");
        } catch (IOException e) {
            throw new ClientException("cannot resolve " + what + " " + path + ": " + e.getMessage());
        }
    }
}
