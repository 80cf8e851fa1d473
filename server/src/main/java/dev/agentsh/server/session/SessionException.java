package dev.agentsh.server.session;

/** A session request that cannot be honoured; {@code status} is the HTTP status that says why. */
public final class SessionException extends Exception {
    private final int status;

    public SessionException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
