package dev.agentsh.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Values for policy variables when nothing more specific is given: {@code PROJECT_ROOT} and
 * {@code GIT_ROOT} detected from a directory, {@code HOME} and everything else from the environment.
 */
public final class HostVariables {
    static final List<String> PROJECT_MARKERS = List.of("go.mod", "package.json", "Cargo.toml", "pyproject.toml", "pom.xml");

    private HostVariables() {
    }

    /**
     * Walks up from {@code workspace}: the first directory with a language marker is the project
     * root; the first with {@code .git} is the git root (and the project root, if none was found yet).
     */
    public static Map<String, String> detect(Path workspace) {
        Path start = workspace.toAbsolutePath().normalize();
        Path project = null;
        Path git = null;
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (project == null && hasMarker(dir)) {
                project = dir;
            }
            if (Files.exists(dir.resolve(".git"))) {
                git = dir;
                break;
            }
        }
        if (project == null) {
            project = git != null ? git : start;
        }
        Map<String, String> vars = new HashMap<>();
        vars.put("PROJECT_ROOT", project.toString());
        vars.put("GIT_ROOT", (git != null ? git : project).toString());
        return vars;
    }

    private static boolean hasMarker(Path dir) {
        return PROJECT_MARKERS.stream().anyMatch(m -> Files.exists(dir.resolve(m)));
    }

    /** Explicit values first, then detection from the current directory, then the environment. */
    public static Function<String, String> lookup(Map<String, String> explicit) {
        Map<String, String> detected = detect(Path.of(""));
        return name -> {
            String v = explicit.get(name);
            if (v != null) {
                return v;
            }
            v = detected.get(name);
            return v != null ? v : System.getenv(name);
        };
    }
}
