package dev.agentsh.server.exec;

import dev.agentsh.kernel.detect.Enforcement;
import java.util.Set;

/**
 * What this server applies to the commands it runs. {@code agentsh detect} scores only this, so it reports the
 * protection a command really gets; when ExecService starts applying a kernel backend (seccomp execve
 * interception, Landlock...), add it here in the same change.
 */
public final class CommandEnforcement {
    public static final Enforcement CURRENT = new Enforcement(Set.of(),
            "the API pre-check of the command given to exec (including what its sh -c script runs); "
                    + "no kernel backend yet, so what that command spawns is not checked");

    private CommandEnforcement() {
    }
}
