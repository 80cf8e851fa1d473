package dev.agentsh.server.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The real launcher for tests, installed once per test JVM in a private temporary directory. */
final class Launchers {
    private static NativeLauncher launcher;

    private Launchers() {
    }

    static synchronized NativeLauncher nativeLauncher() {
        if (launcher == null) {
            try {
                Path dir = Files.createTempDirectory("agentsh-test-launcher-");
                launcher = new NativeLauncher(LauncherBinary.install(dir.resolve("bin")), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return launcher;
    }

    /** Starts {@code argv} through the real launcher with pipes and no workspace bind. */
    static Process start(List<String> argv, Map<String, String> env, Path workingDir) throws IOException {
        return nativeLauncher().start(new ProcessLauncher.Launch(argv, env, workingDir));
    }
}
