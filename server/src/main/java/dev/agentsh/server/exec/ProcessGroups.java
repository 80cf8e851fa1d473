package dev.agentsh.server.exec;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.agentsh.kernel.Errno;
import dev.agentsh.kernel.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Signals to a process group through FFM kill(2) with a negative pid.
 *
 * <p>{@link Process#destroy()} only reaches the leader; a command's background children and their children
 * would survive it. Every command runs as the leader of its own session and group (see {@link ProcessLauncher}),
 * so signalling {@code -pgid} reaches the whole tree.
 */
public final class ProcessGroups {

    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    /** {@code int kill(pid_t pid, int sig)}. */
    private static final MethodHandle KILL = Libc.function("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    /** {@code pid_t getpgid(pid_t pid)}. */
    private static final MethodHandle GETPGID = Libc.function("getpgid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private ProcessGroups() {
    }

    /**
     * Sends {@code signal} to every process in group {@code pgid}. A group that no longer exists (ESRCH) is not an
     * error: the command has already gone, which is what the caller wanted.
     *
     * @throws IllegalArgumentException if {@code pgid <= 1}: kill(0) would hit the server's own group and
     *                                  kill(-1) every process the server may signal
     * @throws IOException              on any other kill(2) failure, naming the errno
     */
    public static void signal(long pgid, int signal) throws IOException {
        if (pgid <= 1 || pgid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not a process group id: " + pgid);
        }
        int errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Libc.capture(arena);
            int rc = (int) KILL.invokeExact(capture, (int) -pgid, signal);
            if (rc == 0) {
                return;
            }
            errno = Libc.errno(capture);
        } catch (Throwable t) {
            throw new IOException("kill(-" + pgid + ", " + signal + ") could not be called", t);
        }
        if (errno != Errno.ESRCH) {
            throw new IOException("kill(-" + pgid + ", " + signal + ") failed: " + Errno.describe(errno));
        }
    }

    /**
     * SIGTERM the group, wait up to {@code grace} for the leader to exit, then SIGKILL the group.
     *
     * <p>The SIGKILL is sent even when the leader exited in time, because other members (background jobs, or
     * processes that ignore SIGTERM) may still be alive. The leader's pid cannot be reused while any member keeps
     * the group id in use, so the final signal cannot reach an unrelated group unless the whole group has already
     * gone and the pid was recycled within the same instant.
     */
    public static void terminate(long pgid, Duration grace) throws IOException {
        signal(pgid, SIGTERM);
        awaitLeaderExit(pgid, grace);
        signal(pgid, SIGKILL);
    }

    /**
     * The process group of {@code pid} (getpgid(2)), or {@code -1} if there is no such process (ESRCH).
     *
     * @throws IOException on any other getpgid(2) failure, naming the errno
     */
    static long groupOf(long pid) throws IOException {
        int errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Libc.capture(arena);
            int pgid = (int) GETPGID.invokeExact(capture, Math.toIntExact(pid));
            if (pgid >= 0) {
                return pgid;
            }
            errno = Libc.errno(capture);
        } catch (Throwable t) {
            throw new IOException("getpgid(" + pid + ") could not be called", t);
        }
        if (errno == Errno.ESRCH) {
            return -1;
        }
        throw new IOException("getpgid(" + pid + ") failed: " + Errno.describe(errno));
    }

    private static void awaitLeaderExit(long pid, Duration grace) {
        ProcessHandle leader = ProcessHandle.of(pid).orElse(null);
        if (leader == null) {
            return;
        }
        try {
            leader.onExit().get(TimeUnit.NANOSECONDS.convert(grace), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // Still running after the grace period: the SIGKILL that follows settles it.
        } catch (ExecutionException e) {
            throw new AssertionError("onExit() only ever completes normally", e);
        } catch (InterruptedException e) {
            // The caller is being cancelled; skip the rest of the grace period but still kill the group.
            Thread.currentThread().interrupt();
        }
    }
}
