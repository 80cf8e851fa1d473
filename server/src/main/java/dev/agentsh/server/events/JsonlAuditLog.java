package dev.agentsh.server.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The append-only JSONL audit file: one event JSON per line.
 *
 * <p>Only one server may write a given file, enforced by an exclusive lock on {@code <file>.lock} that is
 * held while the log is open. Appends are single {@code write} calls straight into the kernel (no user-space
 * buffer), so an appended line survives the process being killed; there is no fsync, so a power loss may
 * lose the newest lines. Size rotation of the upstream server is not implemented.
 */
final class JsonlAuditLog implements AutoCloseable {

    private final FileChannel lockChannel; // closing it releases the lock
    private final FileChannel channel;

    private JsonlAuditLog(FileChannel lockChannel, FileChannel channel) {
        this.lockChannel = lockChannel;
        this.channel = channel;
    }

    /**
     * Opens (creating parent directories) and locks {@code file}.
     *
     * @throws IOException if another server holds the lock, or on I/O failure
     */
    static JsonlAuditLog open(Path file) throws IOException {
        file = file.toAbsolutePath();
        Files.createDirectories(file.getParent());
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (tryLock(lockChannel) == null) {
                throw new IOException("audit log " + file + " is in use by another agentsh server (lock " + lockFile + ")");
            }
            FileChannel channel = FileChannel.open(file,
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                dropPartialLastLine(channel);
                channel.position(channel.size());
                return new JsonlAuditLog(lockChannel, channel);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            lockChannel.close();
            throw e;
        }
    }

    /**
     * Non-blocking exclusive lock; null if held elsewhere. The JDK implements this with POSIX record locks
     * (fcntl), not flock(2): it excludes other JVM servers, but a Go agentsh server's flock on the same file
     * would not conflict on Linux. Within one JVM the JDK reports a second lock as an exception instead.
     */
    private static FileLock tryLock(FileChannel lockChannel) throws IOException {
        try {
            return lockChannel.tryLock();
        } catch (OverlappingFileLockException heldByThisJvm) {
            return null;
        }
    }

    /**
     * A crash mid-append can leave a final line without its newline. Those bytes belong to a batch whose
     * {@code record} never returned, so nobody was told it was stored; cutting them keeps every line
     * parseable and stops the next append from being glued onto the fragment.
     */
    private static void dropPartialLastLine(FileChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        long chunkStart = size;
        while (chunkStart > 0) {
            int length = (int) Math.min(chunk.capacity(), chunkStart);
            chunkStart -= length;
            chunk.clear().limit(length);
            while (chunk.hasRemaining()) {
                if (channel.read(chunk, chunkStart + chunk.position()) < 0) {
                    throw new IOException("audit log shrank while being opened");
                }
            }
            for (int i = length - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    long completeLinesEnd = chunkStart + i + 1;
                    if (completeLinesEnd < size) {
                        channel.truncate(completeLinesEnd);
                    }
                    return;
                }
            }
        }
        channel.truncate(0); // not even one complete line
    }

    /**
     * Appends the lines in one write. On failure the file is cut back to where it was, so a later append
     * does not continue a half-written line.
     */
    void append(List<EncodedEvent> events) throws IOException {
        StringBuilder text = new StringBuilder(events.size() * 256);
        for (EncodedEvent event : events) {
            text.append(event.json()).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        long start = channel.position();
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            try {
                channel.truncate(start);
                channel.position(start);
            } catch (IOException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    /**
     * Releases the lock but leaves the lock file in place: deleting it would let a new server lock a fresh
     * file while an old one still holds the lock on the unlinked one.
     */
    @Override
    public void close() throws IOException {
        try (lockChannel) {
            channel.close();
        }
    }
}
