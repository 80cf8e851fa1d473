package dev.agentsh.server.exec;

import dev.agentsh.kernel.seccomp.SeccompListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The single seam through which every session command is started.
 *
 * <p>Every implementation must guarantee that the returned {@link Process}'s pid is also the process group id of
 * the command, because kills are sent to {@code -pid}.
 */
public interface ProcessLauncher {

    /**
     * One command to start.
     *
     * @param env        the command's entire environment; nothing is inherited from the server
     * @param workingDir the host directory the command starts in
     * @param workspace  where to show the session's workspace at {@code /workspace}, or {@code null} to leave the
     *                   file system view as the server's
     * @param terminal   a terminal device to use as stdin, stdout, stderr and controlling terminal, or {@code null}
     *                   for pipes
     * @param supervision who answers the seccomp-stopped system calls of the command's whole process tree, or
     *                   {@code null} to start it without a seccomp filter
     */
    record Launch(List<String> argv, Map<String, String> env, Path workingDir, WorkspaceBind workspace,
                  Path terminal, Supervision supervision) {
        public Launch {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
            Objects.requireNonNull(workingDir, "workingDir");
        }

        /** A plain launch: pipes, the server's view of the file system, no seccomp filter. */
        public Launch(List<String> argv, Map<String, String> env, Path workingDir) {
            this(argv, env, workingDir, null, null, null);
        }

        public Launch onTerminal(Path device) {
            return new Launch(argv, env, workingDir, workspace, device, supervision);
        }
    }

    /**
     * The session's workspace bound at {@code /workspace} in a mount namespace of the command's own.
     *
     * @param hostDir the workspace on the host
     * @param cwd     the command's working directory as seen inside, under {@code /workspace}
     */
    record WorkspaceBind(Path hostDir, String cwd) {
        public WorkspaceBind {
            Objects.requireNonNull(hostDir, "hostDir");
            Objects.requireNonNull(cwd, "cwd");
        }
    }

    /**
     * The server side of a command's seccomp filter: the program the launcher loads, and who takes the listener.
     * The launcher execs the command only after {@link #attach} has returned, so nothing the command does escapes
     * the supervisor.
     */
    interface Supervision {
        /** The seccomp program, as {@code struct sock_filter[]}. */
        byte[] program();

        /**
         * Takes the listener of the filter the launcher (pid {@code launcherPid}, soon the command) loaded, and
         * starts answering its calls. Ownership of {@code listener} passes to the supervision.
         */
        void attach(SeccompListener listener, int launcherPid) throws IOException;
    }

    /**
     * Starts the command.
     *
     * @throws IOException if the command cannot be started; the message is the reason as a caller should see it,
     *                     e.g. {@code "no such file or directory: foo"}
     */
    Process start(Launch launch) throws IOException;
}
