package dev.agentsh.server.session;

import dev.agentsh.policy.engine.EngineOptions.ShellcOptions;
import dev.agentsh.policy.load.PolicyStore;
import java.time.Duration;
import java.util.List;

/**
 * What the session manager needs from the server configuration.
 *
 * @param defaultTimeout null = sessions do not expire by age
 * @param defaultIdleTimeout null = sessions do not expire when idle
 * @param allowed when not empty, the only policies a session may ask for (besides the default)
 * @param projectMarkers files that mark a project root
 * @param serverHome HOME for sessions whose client sent none
 */
public record SessionSettings(
        int maxSessions,
        Duration defaultTimeout,
        Duration defaultIdleTimeout,
        boolean realPathsByDefault,
        PolicyStore policies,
        String defaultPolicy,
        List<String> allowed,
        boolean detectProjectRoot,
        List<String> projectMarkers,
        boolean approvalsEnforced,
        ShellcOptions shellc,
        String serverHome,
        String serverPath) {
}
