package dev.agentsh.server.events;

import java.nio.file.Path;

/**
 * Child process of {@link CrashDurabilityTest}: records events as fast as it can from several threads and
 * prints {@code ack <n> <event id>} only after {@link EventLog#record} has returned, until it is killed.
 *
 * <p>Usage: {@code CrashWriter <directory>} (writes {@code events.db} and {@code audit.jsonl} there).
 */
public final class CrashWriter {

    static final int THREADS = 4;

    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        EventLog log = EventLog.open(dir.resolve("events.db"), dir.resolve("audit.jsonl"));
        for (int t = 0; t < THREADS; t++) {
            String session = "crash-" + t;
            Thread.ofPlatform().start(() -> {
                for (long n = 0; ; n++) {
                    Event event = Event.builder("file_write", session)
                            .path("/workspace/file-" + n)
                            .field("bytes", n)
                            .build();
                    log.record(event);
                    synchronized (System.out) {
                        System.out.println("ack " + n + " " + event.id());
                        System.out.flush();
                    }
                }
            });
        }
        // Never closes the log: the parent kills this process with SIGKILL mid-write.
    }
}
