package dev.agentsh.kernel.seccomp;

import dev.agentsh.kernel.Syscalls;
import dev.agentsh.kernel.Errno;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.agentsh.kernel.Libc;
import dev.agentsh.kernel.Poll;
import dev.agentsh.kernel.Scratch;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The supervisor's end of a seccomp user-notify filter: receives the stopped system calls of every process under
 * the filter and answers each one.
 *
 * <p>All calls block in the kernel; make them from platform threads. One thread receives; answers may come from
 * any thread, since an approval may hold one call while others go on.
 */
public final class SeccompListener implements AutoCloseable {
    private static final long IOCTL_NOTIF_RECV = 0xC0502100L;
    private static final long IOCTL_NOTIF_SEND = 0xC0182101L;
    private static final long IOCTL_NOTIF_ID_VALID = 0x40082102L;
    private static final long IOCTL_NOTIF_SET_FLAGS = 0x40082104L;
    private static final long IOCTL_NOTIF_ADDFD = 0x40182103L;
    private static final int O_CLOEXEC = 02000000;
    private static final long NOTIF_FD_SYNC_WAKE_UP = 1;
    private static final int USER_NOTIF_FLAG_CONTINUE = 1;

    private static final int NOTIF_SIZE = 80;
    private static final int RESP_SIZE = 24;

    /** ioctl is variadic: the argument after the request must be passed as a variadic one. */
    private static final MethodHandle IOCTL = Libc.function("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));

    /** One stopped system call. {@code args} are the six raw register arguments. */
    public record Notification(long id, int pid, int nr, int arch, long[] args) {
    }

    private final int fd;
    private volatile boolean closed;

    /** Takes ownership of {@code fd}, a listener returned by seccomp(2) with NEW_LISTENER. */
    public SeccompListener(int fd) {
        this.fd = fd;
    }

    /**
     * Asks the kernel to wake the tracee on the supervisor's CPU when answering (Linux 6.6+), which shortens each
     * round trip. Returns false where the kernel lacks the flag; that only costs speed.
     */
    public boolean preferSyncWakeUp() {
        try (Arena arena = Scratch.open()) {
            MemorySegment capture = Libc.capture(arena);
            // The flag is passed as the argument's value, not through a pointer.
            return (int) IOCTL.invokeExact(capture, fd, IOCTL_NOTIF_SET_FLAGS,
                    MemorySegment.ofAddress(NOTIF_FD_SYNC_WAKE_UP)) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("ioctl(SECCOMP_IOCTL_NOTIF_SET_FLAGS) could not be called", t);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for the next stopped call.
     *
     * @return the call; {@link Receive.Idle} if none arrived in time (or the one that did was withdrawn, e.g. its
     *         process was killed); {@link Receive.Gone} once no process is left under the filter
     */
    public Receive receive(int timeoutMillis) throws IOException {
        short revents = Poll.await(fd, Poll.IN, timeoutMillis);
        if ((revents & Poll.NVAL) != 0) {
            throw new IOException("the seccomp listener descriptor is not open");
        }
        if ((revents & Poll.IN) == 0) {
            return (revents & Poll.HUP) != 0 ? Receive.GONE : Receive.IDLE;
        }
        try (Arena arena = Scratch.open()) {
            MemorySegment capture = Libc.capture(arena);
            // The kernel insists on a zeroed buffer; a fresh arena allocation is.
            MemorySegment notif = arena.allocate(NOTIF_SIZE, 8);
            if ((int) IOCTL.invokeExact(capture, fd, IOCTL_NOTIF_RECV, notif) != 0) {
                int errno = Libc.errno(capture);
                // ENOENT: the call was withdrawn (its thread got a signal or died) between poll and receive.
                if (errno == Errno.ENOENT || errno == Errno.EINTR) {
                    return Receive.IDLE;
                }
                throw Libc.failure("ioctl(SECCOMP_IOCTL_NOTIF_RECV)", capture);
            }
            long[] args = new long[6];
            for (int i = 0; i < 6; i++) {
                args[i] = notif.get(JAVA_LONG, 32 + 8L * i);
            }
            return new Receive.Call(new Notification(notif.get(JAVA_LONG, 0), notif.get(JAVA_INT, 8),
                    notif.get(JAVA_INT, 16), notif.get(JAVA_INT, 20), args));
        } catch (Throwable t) {
            throw Libc.rethrow("ioctl(SECCOMP_IOCTL_NOTIF_RECV)", t);
        }
    }

    /** What {@link #receive} found. */
    public sealed interface Receive {
        Receive IDLE = new Idle();
        Receive GONE = new Gone();

        record Call(Notification notification) implements Receive {
        }

        record Idle() implements Receive {
        }

        record Gone() implements Receive {
        }
    }

    /**
     * Whether the call {@code id} is still waiting for an answer. Only ENOENT means it is not: any other error is
     * reported, never read as "stale" (treating an unexpected errno as stale once skipped the policy entirely).
     */
    public boolean isPending(long id) throws IOException {
        try (Arena arena = Scratch.open()) {
            MemorySegment capture = Libc.capture(arena);
            MemorySegment value = arena.allocate(JAVA_LONG);
            value.set(JAVA_LONG, 0, id);
            if ((int) IOCTL.invokeExact(capture, fd, IOCTL_NOTIF_ID_VALID, value) == 0) {
                return true;
            }
            if (Libc.errno(capture) == Errno.ENOENT) {
                return false;
            }
            throw Libc.failure("ioctl(SECCOMP_IOCTL_NOTIF_ID_VALID)", capture);
        } catch (Throwable t) {
            throw Libc.rethrow("ioctl(SECCOMP_IOCTL_NOTIF_ID_VALID)", t);
        }
    }

    /**
     * Installs a copy of this process's descriptor {@code fd} into the stopped process, at its lowest free number,
     * without answering the call.
     *
     * @param closeOnExec whether the copy closes when the process execs
     * @return the descriptor's number in the stopped process
     */
    public int addDescriptor(long id, int fd, boolean closeOnExec) throws IOException {
        try (Arena arena = Scratch.open()) {
            MemorySegment capture = Libc.capture(arena);
            // struct seccomp_notif_addfd { u64 id; u32 flags; u32 srcfd; u32 newfd; u32 newfd_flags; }
            MemorySegment addfd = arena.allocate(24, 8);
            addfd.set(JAVA_LONG, 0, id);
            addfd.set(JAVA_INT, 12, fd);
            addfd.set(JAVA_INT, 20, closeOnExec ? O_CLOEXEC : 0);
            int installed = (int) IOCTL.invokeExact(capture, this.fd, IOCTL_NOTIF_ADDFD, addfd);
            if (installed < 0) {
                throw Libc.failure("ioctl(SECCOMP_IOCTL_NOTIF_ADDFD)", capture);
            }
            return installed;
        } catch (Throwable t) {
            throw Libc.rethrow("ioctl(SECCOMP_IOCTL_NOTIF_ADDFD)", t);
        }
    }

    /** Lets the call run as the process made it. */
    public boolean allow(long id) throws IOException {
        return send(id, 0, USER_NOTIF_FLAG_CONTINUE);
    }

    /** Fails the call with {@code errno}, which the process sees as the call's error. */
    public boolean fail(long id, int errno) throws IOException {
        if (errno <= 0) {
            throw new IllegalArgumentException("errno must be positive: " + errno);
        }
        return send(id, -errno, 0);
    }

    /** @return false if the call was no longer pending (its process died or was interrupted) */
    private boolean send(long id, int error, int flags) throws IOException {
        try (Arena arena = Scratch.open()) {
            MemorySegment capture = Libc.capture(arena);
            MemorySegment resp = arena.allocate(RESP_SIZE, 8);
            resp.set(JAVA_LONG, 0, id);
            resp.set(JAVA_LONG, 8, 0L);
            // The kernel takes -errno here; a positive value would read as success (a bug the original once had).
            resp.set(JAVA_INT, 16, error);
            resp.set(JAVA_INT, 20, flags);
            if ((int) IOCTL.invokeExact(capture, fd, IOCTL_NOTIF_SEND, resp) == 0) {
                return true;
            }
            if (Libc.errno(capture) == Errno.ENOENT) {
                return false;
            }
            throw Libc.failure("ioctl(SECCOMP_IOCTL_NOTIF_SEND)", capture);
        } catch (Throwable t) {
            throw Libc.rethrow("ioctl(SECCOMP_IOCTL_NOTIF_SEND)", t);
        }
    }

    /**
     * Closes the listener. Calls still waiting, and every notifying call made later by the processes under the
     * filter, then fail with ENOSYS: a supervisor that goes away fails closed.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Syscalls.close(fd);
        }
    }
}
