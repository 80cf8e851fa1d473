package dev.agentsh.server.exec;

import dev.agentsh.server.session.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Commands the server answers itself, because their effect must outlive one process: the
 * session's cwd and exported variables persist across execs. They run after the policy check.
 */
final class Builtins {
    static final Set<String> NAMES = Set.of("cd", "pwd", "export", "unset", "env", "history");

    /** What a builtin printed and its exit code. */
    record Outcome(int exitCode, String stdout, String stderr) {
    }

    private Builtins() {
    }

    static Outcome run(Session session, String name, List<String> args) {
        return switch (name) {
            case "cd" -> cd(session, args);
            case "pwd" -> new Outcome(0, session.cwd() + "\n", "");
            case "export" -> export(session, args);
            case "unset" -> {
                args.forEach(session::removeEnv);
                yield new Outcome(0, "", "");
            }
            case "env" -> {
                StringBuilder out = new StringBuilder();
                session.env().forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
                yield new Outcome(0, out.toString(), "");
            }
            default -> {
                StringBuilder out = new StringBuilder();
                List<String> h = session.history();
                for (int i = 0; i < h.size(); i++) {
                    out.append(String.format("%5d  %s%n", i + 1, h.get(i)));
                }
                yield new Outcome(0, out.toString(), "");
            }
        };
    }

    private static Outcome cd(Session session, List<String> args) {
        if (args.size() > 1) {
            return new Outcome(2, "", "cd: too many arguments\n");
        }
        String target = args.isEmpty() ? session.virtualRoot() : args.getFirst();
        String virtual = session.toVirtual(target);
        Path real = virtual == null ? null : session.toReal(virtual);
        if (real == null) {
            return new Outcome(1, "", "cd: path must be under " + session.virtualRoot() + "\n");
        }
        if (!Files.isDirectory(real)) {
            return new Outcome(1, "", "cd: " + target + ": no such directory\n");
        }
        session.setCwd(virtual);
        return new Outcome(0, "", "");
    }

    private static Outcome export(Session session, List<String> args) {
        if (args.isEmpty()) {
            StringBuilder out = new StringBuilder();
            for (Map.Entry<String, String> e : session.env().entrySet()) {
                out.append("export ").append(e.getKey()).append('=').append(e.getValue()).append('\n');
            }
            return new Outcome(0, out.toString(), "");
        }
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0 || !a.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                return new Outcome(2, "", "export: usage: export NAME=VALUE (got \"" + a + "\")\n");
            }
            session.putEnv(a.substring(0, eq), a.substring(eq + 1));
        }
        return new Outcome(0, "", "");
    }
}
