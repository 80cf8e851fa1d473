package dev.agentsh.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Whether this process may create each kind of namespace, found out by trying it in a child.
 *
 * <p>Why a child running util-linux {@code unshare(1)}: unshare(2) changes the calling thread (CLONE_NEWNS,
 * CLONE_NEWNET...) or demands a single-threaded caller (CLONE_NEWUSER fails with EINVAL in a multi-threaded
 * process), so calling it inside the JVM would either fail for the wrong reason or leave one JVM thread in a
 * different namespace. Reading capabilities and {@code max_user_namespaces} instead would be a guess: container
 * runtimes block unshare with seccomp or AppArmor while those values look fine. The child makes the real
 * unshare(2) call and exits; its namespace goes with it.
 */
public final class Namespaces {
    private static final long TIMEOUT_SECONDS = 5;

    /** The kinds agentsh may use, by unshare(1)'s option name. */
    public enum Kind {
        USER, MOUNT, PID, NET, UTS, IPC, CGROUP;

        public String option() {
            return "--" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private Namespaces() {
    }

    /** unshare(1), if this host has it where util-linux installs it. */
    public static Optional<Path> unshareTool() {
        for (String dir : new String[] {"/usr/bin", "/bin", "/usr/sbin", "/sbin"}) {
            Path p = Path.of(dir, "unshare");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs {@code unshare --KIND /bin/true}.
     *
     * @return empty when the namespace was created, else why not (unshare's own message, or the exit status)
     */
    public static Optional<String> tryCreate(Path unshare, Kind kind) throws IOException {
        Process p = new ProcessBuilder(unshare.toString(), kind.option(), "/bin/true")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("unshare " + kind.option() + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
        if (p.exitValue() == 0) {
            return Optional.empty();
        }
        String message = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return Optional.of(message.isEmpty() ? "unshare " + kind.option() + " exited " + p.exitValue() : message);
    }
}
