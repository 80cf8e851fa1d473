package dev.agentsh.policy.model;

/**
 * Send connections whose {@code host:port} matches {@code match} (RE2, unanchored) to
 * {@code redirectTo} (host:port) or {@code redirectToUnix} (a socket path); exactly one is set.
 */
public record ConnectRedirect(
        String name,
        Text match,
        String redirectTo,
        String redirectToUnix,
        String tlsMode,
        String sni,
        String visibility,
        String message,
        String onFailure,
        Mark mark) {
}
