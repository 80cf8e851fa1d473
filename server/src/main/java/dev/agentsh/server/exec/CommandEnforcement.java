package dev.agentsh.server.exec;

import dev.agentsh.kernel.detect.Backend;
import dev.agentsh.kernel.detect.Enforcement;
import dev.agentsh.server.config.ServerConfig;
import java.util.Set;

/**
 * What a server with a given configuration applies to the commands it runs. {@code agentsh detect} scores only
 * this, so it reports the protection a command really gets; when the server starts applying another kernel
 * backend (Landlock...), add it here in the same change.
 */
public final class CommandEnforcement {
    private CommandEnforcement() {
    }

    /** What a server with {@code config} would apply, if the host allows it. */
    public static Enforcement of(ServerConfig config) {
        var seccomp = config.sandbox().seccomp();
        return of(seccomp.enabled() && seccomp.execve().enabled());
    }

    /** @param execveInterception whether every execve of a command's tree goes through the policy */
    public static Enforcement of(boolean execveInterception) {
        if (execveInterception) {
            return new Enforcement(Set.of(Backend.SECCOMP_EXECVE), "the API pre-check of each command, and every"
                    + " execve in its process tree (seccomp user-notify)");
        }
        return new Enforcement(Set.of(), "the API pre-check of the command given to exec (including what its sh -c"
                + " script runs); execve interception is off in the config, so what that command spawns is not checked");
    }
}
