package dev.agentsh.server.events;

/**
 * Events could not be stored. Thrown by {@link EventLog#record} so that a caller never acknowledges an
 * event (e.g. in an HTTP response) that did not reach the audit log.
 */
public class EventLogException extends RuntimeException {

    public EventLogException(String message) {
        super(message);
    }

    public EventLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
