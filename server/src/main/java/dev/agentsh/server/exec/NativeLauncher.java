package dev.agentsh.server.exec;

import dev.agentsh.kernel.SeqpacketSocket;
import dev.agentsh.kernel.seccomp.SeccompListener;
import dev.agentsh.server.seccomp.SupervisorSocket;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts commands through {@code agentsh-launch}, the C program at the exec boundary (see {@code native/}), run by
 * {@link ProcessBuilder}: the JVM forks and execs the launcher, which makes the command a session and group leader,
 * binds the workspace and attaches the terminal as asked, and execs the command in place. The {@link Process}'s pid
 * is therefore the command's pid, its session id and its process group id. The environment is exactly the given
 * one; nothing is inherited from the server.
 *
 * <p>Because the launcher execs the command itself, a missing program would otherwise surface as the launcher's
 * exit status 127 plus a message on the command's stderr, indistinguishable from a program that exits 127. The
 * program is therefore resolved here first, the same way the launcher's execvp(3) will (slash → relative to the
 * working directory, otherwise the {@code PATH} of {@code env}), so that start failures are reported as
 * {@link IOException}s.
 */
public final class NativeLauncher implements ProcessLauncher {

    /** What glibc's execvp searches when the environment has no PATH. */
    private static final String DEFAULT_PATH = "/bin:/usr/bin";
    private static final byte[] GO = {'G'};
    private static final Duration LEADERSHIP_POLL = Duration.ofNanos(100_000);
    private static final Duration LEADERSHIP_TIMEOUT = Duration.ofSeconds(5);

    /** How long the launcher may take to connect, and then to load the seccomp program and answer. */
    private static final int HANDSHAKE_MILLIS = 5000;

    private final Path launcher;
    private final SupervisorSocket supervisorSocket;

    /**
     * @param launcher         the {@code agentsh-launch} executable, see {@link LauncherBinary}
     * @param supervisorSocket where launchers hand over their seccomp listener; null if no launch is supervised
     */
    public NativeLauncher(Path launcher, SupervisorSocket supervisorSocket) {
        this.launcher = launcher;
        this.supervisorSocket = supervisorSocket;
    }

    @Override
    public Process start(Launch launch) throws IOException {
        List<String> argv = launch.argv();
        if (argv.isEmpty()) {
            throw new IOException("empty command");
        }
        checkWorkingDir(launch.workingDir());
        checkProgram(argv.getFirst(), launch.env().getOrDefault("PATH", DEFAULT_PATH), launch.workingDir());

        List<String> command = new ArrayList<>(argv.size() + 7);
        command.add(launcher.toString());
        if (launch.workspace() != null) {
            command.addAll(List.of("--workspace", launch.workspace().hostDir().toString(),
                    "--cwd", launch.workspace().cwd()));
        }
        if (launch.supervision() != null) {
            if (supervisorSocket == null) {
                throw new IllegalStateException("a supervised launch needs the supervisor socket");
            }
            command.addAll(List.of("--supervisor", supervisorSocket.path().toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(launch.workingDir().toFile());
        if (launch.terminal() != null) {
            command.add("--tty");
            File terminal = launch.terminal().toFile();
            builder.redirectInput(terminal).redirectOutput(ProcessBuilder.Redirect.appendTo(terminal))
                    .redirectError(ProcessBuilder.Redirect.appendTo(terminal));
        }
        command.add("--");
        command.addAll(argv);
        builder.environment().clear();
        builder.environment().putAll(launch.env());
        Process process = builder.start();
        awaitGroupLeadership(process);
        if (launch.supervision() != null) {
            handOverListener(process, launch.supervision());
        }
        return process;
    }

    /**
     * Gives the launcher its seccomp program, takes its listener, and lets it exec once the supervision is
     * answering. A launch that cannot be supervised does not run: the launcher is killed before its exec.
     */
    private void handOverListener(Process process, Supervision supervision) throws IOException {
        int pid = Math.toIntExact(process.pid());
        try (SeqpacketSocket connection = supervisorSocket.await(pid, HANDSHAKE_MILLIS)) {
            connection.send(supervision.program());
            int listener = connection.receiveDescriptor(HANDSHAKE_MILLIS);
            supervision.attach(new SeccompListener(listener), pid);
            connection.send(GO);
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            String said = "";
            try {
                process.waitFor();
                said = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } catch (IOException unreadable) {
                // The launcher's own message is a detail; the failure below says what went wrong.
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("execve interception could not be set up: " + e.getMessage()
                    + (said.isEmpty() ? "" : " (" + said + ")"), e);
        }
    }

    /**
     * {@link ProcessBuilder#start()} returns once the launcher has been exec'd, a moment before it calls setsid(2). A kill
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
