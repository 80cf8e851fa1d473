package dev.agentsh.server.events;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Live fan-out of stored events (the SSE feed). Each subscriber has a bounded buffer drained by its own
 * virtual thread, so a slow consumer only loses its own events and never slows down recording; there is
 * no replay of what was missed, as upstream.
 */
final class EventBus implements AutoCloseable {

    /** Per-subscriber buffer, as upstream. */
    static final int BUFFER_SIZE = 200;

    private static final System.Logger LOG = System.getLogger(EventBus.class.getName());

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();

    /** @param sessionId only events of this session, or null for all events */
    Subscription subscribe(String sessionId, Consumer<Event> listener) {
        Subscriber subscriber = new Subscriber(sessionId, listener);
        subscribers.add(subscriber);
        subscriber.start();
        return subscriber;
    }

    /** Never blocks: a full subscriber buffer drops the event for that subscriber. */
    void publish(List<EncodedEvent> events) {
        for (Subscriber subscriber : subscribers) {
            for (EncodedEvent encoded : events) {
                subscriber.offer(encoded.event());
            }
        }
    }

    @Override
    public void close() {
        subscribers.forEach(Subscriber::close);
    }

    private final class Subscriber implements Subscription {
        private final String sessionId;
        private final Consumer<Event> listener;
        private final BlockingQueue<Event> buffer = new ArrayBlockingQueue<>(BUFFER_SIZE);
        private final AtomicLong dropped = new AtomicLong();
        private final Thread deliverer = Thread.ofVirtual().name("event-subscriber").unstarted(this::deliver);
        private volatile boolean closed;

        Subscriber(String sessionId, Consumer<Event> listener) {
            this.sessionId = sessionId;
            this.listener = listener;
        }

        void start() {
            deliverer.start();
        }

        void offer(Event event) {
            if (sessionId != null && !sessionId.equals(event.sessionId())) {
                return;
            }
            if (!buffer.offer(event)) {
                dropped.incrementAndGet();
            }
        }

        private void deliver() {
            try {
                while (!closed) {
                    listener.accept(buffer.take());
                }
            } catch (InterruptedException e) {
                // close() interrupts a deliverer waiting for the next event
            } catch (RuntimeException e) {
                // The consumer is gone (typically a disconnected SSE client); keeping the
                // subscription would only fill its buffer forever.
                LOG.log(System.Logger.Level.WARNING, "event subscriber failed; closing its subscription", e);
                close();
            }
        }

        @Override
        public long dropped() {
            return dropped.get();
        }

        @Override
        public void close() {
            closed = true;
            subscribers.remove(this);
            deliverer.interrupt();
        }
    }
}
