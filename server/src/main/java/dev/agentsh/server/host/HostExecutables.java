package dev.agentsh.server.host;

import dev.agentsh.policy.engine.ExecutableResolver;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real file system: canonical paths by resolving symlinks, names by searching PATH. */
public final class HostExecutables implements ExecutableResolver {
    private final String searchPath;
    private final Path cwd;

    public HostExecutables(String searchPath, Path cwd) {
        this.searchPath = searchPath == null || searchPath.isEmpty() ? "/usr/local/bin:/usr/bin:/bin" : searchPath;
        this.cwd = cwd;
    }

    public static HostExecutables current() {
        return new HostExecutables(System.getenv("PATH"), Path.of("").toAbsolutePath());
    }

    @Override
    public String canonicalize(String path) {
        try {
            return cwd.resolve(path).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public String which(String name) {
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            return null;
        }
        for (String dir : searchPath.split(File.pathSeparator)) {
            Path candidate = cwd.resolve(dir.isEmpty() ? "." : dir).resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return canonicalize(candidate.toString());
            }
        }
        return null;
    }
}
