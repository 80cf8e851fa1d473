package dev.agentsh.cli.client;

/**
 * A failure meant for the user: {@code agentsh}'s handler prints it as {@code agentsh: <message>} and
 * exits 1, so the message must say what happened and what to do, and never needs a stack trace.
 */
public class ClientException extends RuntimeException {
    public ClientException(String message) {
        super(message);
    }
}
