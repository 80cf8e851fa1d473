package dev.agentsh.server.events;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Group commit: callers hand over events and block; one writer thread takes everything queued so far,
 * writes it as one batch (one JSONL write, one SQLite transaction) and then releases all those callers
 * together. Under many concurrent sessions the per-write overhead is paid once per batch, not per event,
 * while every caller still returns only after its own events are durable.
 */
final class GroupCommitter implements AutoCloseable {

    /** Writes a whole batch durably, or throws. */
    @FunctionalInterface
    interface BatchWriter {
        void write(List<EncodedEvent> batch) throws Exception;
    }

    /** Caps one batch so that the first callers in a flood are not kept waiting for the last. */
    private static final int MAX_SUBMISSIONS_PER_BATCH = 1024;

    /** Queued last by {@link #close()}: the writer stops after everything before it is written. */
    private static final Submission END = new Submission(List.of(), new CompletableFuture<>());

    private final BlockingQueue<Submission> queue = new LinkedBlockingQueue<>();
    private final BatchWriter batchWriter;
    private final Thread writer;
    private boolean closed; // guarded by this, together with enqueueing, so nothing can queue after END

    /**
     * Starts the writer: a platform thread, because its work is blocking file and JNI (SQLite) calls that a
     * virtual thread could not unmount from anyway.
     */
    GroupCommitter(String threadName, BatchWriter batchWriter) {
        this.batchWriter = batchWriter;
        this.writer = Thread.ofPlatform().name(threadName).daemon().unstarted(this::run);
        writer.start();
    }

    /**
     * Returns once {@code events} have been written, or throws {@link EventLogException} if they were not.
     * Not interruptible: a caller must not walk away without knowing whether its events were stored.
     */
    void submit(List<EncodedEvent> events) {
        Submission submission = new Submission(events, new CompletableFuture<>());
        synchronized (this) {
            if (closed) {
                throw new EventLogException("event log is closed");
            }
            queue.add(submission);
        }
        try {
            submission.written().join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            throw new EventLogException("failed to record " + events.size() + " event(s): " + cause, cause);
        }
    }

    private void run() {
        List<Submission> batch = new ArrayList<>();
        boolean ended = false;
        while (!ended) {
            batch.clear();
            batch.add(takeUninterruptibly());
            queue.drainTo(batch, MAX_SUBMISSIONS_PER_BATCH - 1);
            ended = batch.getLast() == END; // END is the last element ever queued
            if (ended) {
                batch.removeLast();
            }
            if (!batch.isEmpty()) {
                write(batch);
            }
        }
    }

    private void write(List<Submission> batch) {
        List<EncodedEvent> events = new ArrayList<>();
        batch.forEach(submission -> events.addAll(submission.events()));
        try {
            batchWriter.write(events);
        } catch (Throwable failure) {
            // Even an Error must release the callers with a failure: the writer keeps serving later
            // batches, and a caller left waiting would block its session forever.
            batch.forEach(submission -> submission.written().completeExceptionally(failure));
            return;
        }
        batch.forEach(submission -> submission.written().complete(null));
    }

    private Submission takeUninterruptibly() {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // Only END stops the writer; stopping otherwise would strand callers in submit().
            }
        }
    }

    /** Writes everything already submitted, then stops the writer. Later submissions fail. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(END);
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true; // finish draining first: the caller is closing the files next
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private record Submission(List<EncodedEvent> events, CompletableFuture<Void> written) {
    }
}
