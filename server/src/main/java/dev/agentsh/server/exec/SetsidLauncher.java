package dev.agentsh.server.exec;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The launcher used until the exec boundary has its own: {@link ProcessBuilder} running
 * {@code /usr/bin/setsid -- argv...}.
 *
 * <p>The JVM's child is never a process group leader, so util-linux {@code setsid} calls setsid(2) and execs
 * the command in place instead of forking: the {@link Process}'s pid is the command's pid, its session id and its
 * process group id. The environment is exactly the given one; nothing is inherited from the server.
 *
 * <p>Because setsid execs the command itself, a missing program would otherwise surface as setsid's own exit
 * status 127 plus a message on the command's stderr, indistinguishable from a program that exits 127. The program
 * is therefore resolved here first, the same way setsid's execvp(3) will (slash → relative to the working
 * directory, otherwise the {@code PATH} of {@code env}), so that start failures are reported as
 * {@link IOException}s.
 */
public final class SetsidLauncher implements ProcessLauncher {

    private static final String SETSID = "/usr/bin/setsid";
    /** What glibc's execvp searches when the environment has no PATH. */
    private static final String DEFAULT_PATH = "/bin:/usr/bin";
    private static final Duration LEADERSHIP_POLL = Duration.ofNanos(100_000);
    private static final Duration LEADERSHIP_TIMEOUT = Duration.ofSeconds(5);

    @Override
    public Process start(List<String> argv, Map<String, String> env, Path workingDir) throws IOException {
        if (argv.isEmpty()) {
            throw new IOException("empty command");
        }
        checkWorkingDir(workingDir);
        checkProgram(argv.getFirst(), env.getOrDefault("PATH", DEFAULT_PATH), workingDir);

        List<String> command = new ArrayList<>(argv.size() + 2);
        command.add(SETSID);
        command.add("--");
        command.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        awaitGroupLeadership(process);
        return process;
    }

    /**
     * {@link ProcessBuilder#start()} returns once setsid has been exec'd, a moment before it calls setsid(2). A kill
     * sent to {@code -pid} in between would find no such group and miss the command, so the process is returned
     * only once it leads its group (normally well under a millisecond later), or has already gone.
     */
    private static void awaitGroupLeadership(Process process) throws IOException {
        long deadline = System.nanoTime() + LEADERSHIP_TIMEOUT.toNanos();
        try {
            while (true) {
                long pgid = ProcessGroups.groupOf(process.pid());
                if (pgid == process.pid() || pgid == -1) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("command did not become a process group leader within "
                            + LEADERSHIP_TIMEOUT);
                }
                Thread.sleep(LEADERSHIP_POLL);
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw e;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while starting the command");
        }
    }

    private static void checkWorkingDir(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new IOException("no such file or directory: " + dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory: " + dir);
        }
    }

    /** Mirrors execvp(3): a name with a slash is used as is; otherwise the first executable match on PATH wins. */
    private static void checkProgram(String program, String path, Path workingDir) throws IOException {
        if (program.isEmpty()) {
            throw new IOException("no such file or directory: " + program);
        }
        if (program.contains("/")) {
            Path file = workingDir.resolve(program);
            if (!Files.exists(file)) {
                throw new IOException("no such file or directory: " + program);
            }
            if (!isExecutableFile(file)) {
                throw new IOException("permission denied: " + program);
            }
            return;
        }
        boolean sawUnexecutable = false;
        for (String dir : path.split(":", -1)) {
            // An empty PATH entry means the current directory, which for the child is the working directory.
            Path file = workingDir.resolve(dir).resolve(program);
            if (isExecutableFile(file)) {
                return;
            }
            sawUnexecutable |= Files.exists(file);
        }
        // Like execvp, report EACCES when a match existed but none could be executed.
        throw new IOException((sawUnexecutable ? "permission denied: " : "no such file or directory: ") + program);
    }

    private static boolean isExecutableFile(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }
}
