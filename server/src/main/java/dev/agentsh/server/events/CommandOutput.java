package dev.agentsh.server.events;

import java.util.Arrays;
import java.util.Objects;

/**
 * The captured output of one command, stored so that {@code agentsh output} can page through it later.
 * The arrays hold at most the capture limit; the totals count every byte the command wrote. The arrays are
 * shared, not copied (they can be a megabyte each): treat them as read-only.
 */
public record CommandOutput(
        String commandId,
        String sessionId,
        byte[] stdout,
        byte[] stderr,
        long stdoutTotalBytes,
        long stderrTotalBytes,
        boolean stdoutTruncated,
        boolean stderrTruncated) {

    private static final byte[] NONE = new byte[0];

    public CommandOutput {
        Objects.requireNonNull(commandId, "commandId");
        sessionId = Objects.requireNonNullElse(sessionId, "");
        stdout = Objects.requireNonNullElse(stdout, NONE);
        stderr = Objects.requireNonNullElse(stderr, NONE);
    }

    // A record's generated equals compares arrays by identity; outputs are values, so compare contents.
    @Override
    public boolean equals(Object other) {
        return other instanceof CommandOutput that
                && commandId.equals(that.commandId)
                && sessionId.equals(that.sessionId)
                && Arrays.equals(stdout, that.stdout)
                && Arrays.equals(stderr, that.stderr)
                && stdoutTotalBytes == that.stdoutTotalBytes
                && stderrTotalBytes == that.stderrTotalBytes
                && stdoutTruncated == that.stdoutTruncated
                && stderrTruncated == that.stderrTruncated;
    }

    @Override
    public int hashCode() {
        return Objects.hash(commandId, sessionId, Arrays.hashCode(stdout), Arrays.hashCode(stderr),
                stdoutTotalBytes, stderrTotalBytes, stdoutTruncated, stderrTruncated);
    }

    @Override
    public String toString() {
        return "CommandOutput[commandId=" + commandId + ", sessionId=" + sessionId
                + ", stdout=" + stdout.length + " bytes of " + stdoutTotalBytes + (stdoutTruncated ? " (truncated)" : "")
                + ", stderr=" + stderr.length + " bytes of " + stderrTotalBytes + (stderrTruncated ? " (truncated)" : "")
                + "]";
    }
}
