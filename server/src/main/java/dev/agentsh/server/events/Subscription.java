package dev.agentsh.server.events;

/** A live event feed from {@link EventLog#subscribe}; close it when the consumer goes away. */
public interface Subscription extends AutoCloseable {

    /** Events this subscriber missed because its buffer was full. */
    long dropped();

    /** Stops delivery. Idempotent; safe to call from within the listener. */
    @Override
    void close();
}
