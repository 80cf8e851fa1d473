package dev.agentsh.server.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCommitTest {

    private static final int THREADS = 16;
    private static final int RECORDS_PER_THREAD = 500;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void everyConcurrentRecordLandsInBothStores() throws Exception {
        Path db = dir.resolve("events.db");
        Path jsonl = dir.resolve("audit.jsonl");
        List<String> acknowledged = new ArrayList<>();
        try (EventLog log = EventLog.open(db, jsonl); ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                String session = "sess-" + t;
                workers.add(pool.submit(() -> {
                    start.await();
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < RECORDS_PER_THREAD; i++) {
                        Event event = Event.builder("file_write", session).field("seq", i).build();
                        log.record(event);
                        ids.add(event.id());
                    }
                    return ids;
                }));
            }
            start.countDown();
            for (Future<List<String>> worker : workers) {
                acknowledged.addAll(worker.get());
            }
        }

        int total = THREADS * RECORDS_PER_THREAD;
        assertThat(acknowledged).hasSize(total).doesNotHaveDuplicates();
        assertThat(countRows(db)).isEqualTo(total);
        List<String> lines = Files.readAllLines(jsonl);
        assertThat(lines).hasSize(total);
        assertThat(lines).map(line -> EventJson.fromJson(line).id()).containsExactlyInAnyOrderElementsOf(acknowledged);
    }

    @Test
    @Timeout(60)
    void concurrentCallersShareBatches() throws Exception {
        CountDownLatch firstBatchStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstBatch = new CountDownLatch(1);
        List<Integer> batchSizes = new ArrayList<>();
        try (GroupCommitter committer = new GroupCommitter("test-writer", batch -> {
            batchSizes.add(batch.size());
            firstBatchStarted.countDown();
            releaseFirstBatch.await();
        }); ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            callers.submit(() -> committer.submit(List.of(encoded())));
            firstBatchStarted.await();
            AtomicInteger returned = new AtomicInteger();
            for (int i = 0; i < 10; i++) {
                callers.submit(() -> {
                    committer.submit(List.of(encoded()));
                    returned.incrementAndGet();
                });
            }
            Thread.sleep(300); // let the ten queue up behind the blocked first batch
            assertThat(returned).as("nobody returns before their batch is written").hasValue(0);
            releaseFirstBatch.countDown();
        }
        assertThat(batchSizes).containsExactly(1, 10);
    }

    @Test
    @Timeout(60)
    void aFailedBatchFailsItsCallersAndTheNextBatchStillWorks() {
        AtomicInteger attempts = new AtomicInteger();
        Set<String> written = ConcurrentHashMap.newKeySet();
        try (GroupCommitter committer = new GroupCommitter("test-writer", batch -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IOException("No space left on device");
            }
            batch.forEach(e -> written.add(e.event().id()));
        })) {
            EncodedEvent lost = encoded();
            assertThatThrownBy(() -> committer.submit(List.of(lost)))
                    .isInstanceOf(EventLogException.class)
                    .hasMessageContaining("failed to record 1 event(s)")
                    .hasMessageContaining("No space left on device");

            EncodedEvent kept = encoded();
            committer.submit(List.of(kept));
            assertThat(written).containsExactly(kept.event().id());
        }
    }

    private static EncodedEvent encoded() {
        return EncodedEvent.of(Event.of("file_open", "s"));
    }

    private static long countRows(Path db) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM events")) {
            count.next();
            return count.getLong(1);
        }
    }
}
