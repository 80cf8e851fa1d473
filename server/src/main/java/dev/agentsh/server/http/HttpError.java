package dev.agentsh.server.http;

/** An error answer: the status and the text of {@code {"error": ...}}. */
public final class HttpError extends RuntimeException {
    private final int status;

    public HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
