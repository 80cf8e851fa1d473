package dev.agentsh.server.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts a command as the leader of a new session (setsid), so its whole process tree is one process group.
 *
 * <p>This is the single seam through which every session command is launched: the exec boundary (a small C
 * launcher that applies no_new_privs, Landlock and seccomp before exec) will replace the implementation without
 * touching {@link CommandRunner}. Every implementation must guarantee that the returned {@link Process}'s pid is
 * also the process group id of the command, because kills are sent to {@code -pid}.
 */
public interface ProcessLauncher {

    /**
     * Starts {@code argv} with exactly {@code env} as its environment, in {@code workingDir}.
     *
     * @throws IOException if the command cannot be started; the message is the reason as a caller should see it,
     *                     e.g. {@code "no such file or directory: foo"}
     */
    Process start(List<String> argv, Map<String, String> env, Path workingDir) throws IOException;
}
