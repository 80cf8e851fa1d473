package dev.agentsh.server.events;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class SubscriptionTest {

    @TempDir
    Path dir;
    private EventLog log;

    @BeforeEach
    void open() throws Exception {
        log = EventLog.open(dir.resolve("events.db"), null);
    }

    @AfterEach
    void close() throws Exception {
        log.close();
    }

    @Test
    void deliversLiveEventsOfTheSubscribedSessionOnly() throws Exception {
        Event earlier = Event.of("session_created", "s1");
        log.record(earlier);
        BlockingQueue<Event> s1 = new LinkedBlockingQueue<>();
        BlockingQueue<Event> all = new LinkedBlockingQueue<>();
        try (Subscription ignored = log.subscribe("s1", s1::add); Subscription alsoIgnored = log.subscribe(null, all::add)) {
            Event mine = Event.of("file_open", "s1");
            Event theirs = Event.of("file_open", "s2");
            Event mineToo = Event.of("file_write", "s1");
            log.record(mine, theirs);
            log.record(mineToo);

            assertThat(take(s1, 2)).containsExactly(mine, mineToo);
            assertThat(take(all, 3)).containsExactly(mine, theirs, mineToo);
            assertThat(s1.poll(100, TimeUnit.MILLISECONDS)).as("no replay, no other sessions").isNull();
        }
    }

    @Test
    void aSlowSubscriberDropsBeyondItsBufferAndCountsTheDrops() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Event> received = new CopyOnWriteArrayList<>();
        try (Subscription slow = log.subscribe("s", event -> {
            await(release);
            received.add(event);
        }); Subscription fast = log.subscribe("s", event -> { })) {
            int sent = 500;
            for (int i = 0; i < sent; i++) {
                log.record(Event.of("file_read", "s"));
            }

            // The deliverer may already hold one event in the blocked listener, beyond the 200 buffered.
            assertThat(slow.dropped()).isBetween((long) sent - 201, (long) sent - 200);
            release.countDown();
            awaitSize(received, sent - (int) slow.dropped());
            assertThat(received).hasSizeBetween(200, 201);
            assertThat(fast.dropped()).as("drops are per subscriber").isZero();
        }
    }

    @Test
    void closingStopsDelivery() throws Exception {
        BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        Subscription subscription = log.subscribe(null, received::add);
        Event before = Event.of("file_open", "s");
        log.record(before);
        assertThat(take(received, 1)).containsExactly(before);

        subscription.close();
        subscription.close();
        log.record(Event.of("file_open", "s"));

        assertThat(received.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aFailingListenerIsUnsubscribedWithoutAffectingRecording() throws Exception {
        BlockingQueue<Event> healthy = new LinkedBlockingQueue<>();
        try (Subscription ignored = log.subscribe(null, event -> {
            throw new IllegalStateException("client went away");
        }); Subscription alsoIgnored = log.subscribe(null, healthy::add)) {
            log.record(Event.of("file_open", "s"));
            log.record(Event.of("file_open", "s"));

            assertThat(take(healthy, 2)).hasSize(2);
            assertThat(log.query(EventQuery.all())).hasSize(2);
        }
    }

    private static List<Event> take(BlockingQueue<Event> queue, int count) throws InterruptedException {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Event event = queue.poll(10, TimeUnit.SECONDS);
            assertThat(event).as("event %d of %d", i + 1, count).isNotNull();
            events.add(event);
        }
        return events;
    }

    private static void awaitSize(List<Event> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
