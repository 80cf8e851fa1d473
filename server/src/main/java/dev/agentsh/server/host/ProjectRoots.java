package dev.agentsh.server.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The project a directory belongs to, for {@code ${PROJECT_ROOT}} and {@code ${GIT_ROOT}} in
 * policies: walking up, the first directory with a language marker is the project root, and the
 * first with {@code .git} is the git root (and the project root, if none was found yet).
 *
 * @param projectRoot the detected project root, or the start directory
 * @param gitRoot the detected git root, or the project root
 */
public record ProjectRoots(Path projectRoot, Path gitRoot) {
    public static final List<String> DEFAULT_MARKERS = List.of("go.mod", "package.json", "Cargo.toml", "pyproject.toml", "pom.xml");

    /**
     * Values for policy variables: {@code PROJECT_ROOT} and {@code GIT_ROOT} from these roots,
     * {@code HOME} from {@code home} when given, everything else from the environment.
     */
    public Function<String, String> variables(String home) {
        return name -> switch (name) {
            case "PROJECT_ROOT" -> projectRoot.toString();
            case "GIT_ROOT" -> gitRoot.toString();
            case "HOME" -> home != null ? home : System.getenv(name);
            default -> System.getenv(name);
        };
    }

    public static ProjectRoots detect(Path start, List<String> markers) {
        Path from = start.toAbsolutePath().normalize();
        Path project = null;
        Path git = null;
        for (Path dir = from; dir != null; dir = dir.getParent()) {
            if (project == null && hasMarker(dir, markers)) {
                project = dir;
            }
            if (Files.exists(dir.resolve(".git"))) {
                git = dir;
                break;
            }
        }
        if (project == null) {
            project = git != null ? git : from;
        }
        return new ProjectRoots(project, git != null ? git : project);
    }

    private static boolean hasMarker(Path dir, List<String> markers) {
        return markers.stream().filter(m -> !m.equals(".git")).anyMatch(m -> Files.exists(dir.resolve(m)));
    }
}
