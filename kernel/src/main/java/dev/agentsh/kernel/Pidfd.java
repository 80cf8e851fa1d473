package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A process (or thread) held by a pidfd: {@code pidfd_open(2)}, whose {@code PIDFD_GET_INFO} ioctl (Linux 6.13)
 * gives the parent. Unlike {@code /proc/PID/stat}, this needs no procfs lookup, which for a process forked a moment
 * ago costs about three times as much.
 *
 * <p>The identity is the pidfd's inode number: pidfs numbers every process (every thread) once, in the order they
 * are created, and never reuses a number while the system runs, so it tells a reused pid apart and a larger
 * number is a younger process. It stays readable while the pidfd is open, even after the process is gone.
 */
public final class Pidfd implements AutoCloseable {
    /** pidfd_open flag (Linux 6.9): the pid may be any thread's, not only a thread group leader's. */
    private static final long PIDFD_THREAD = 0x80;
    /** _IOWR(0xFF, 11, struct pidfd_info) with the first version of the struct, 64 bytes. */
    private static final long PIDFD_GET_INFO = 0xC040FF0BL;
    private static final long INFO_SIZE = 64;
    private static final long PIDFD_INFO_PID = 1;
    private static final boolean SUPPORTED = probe();

    private final int pid;
    private final int fd;

    private Pidfd(int pid, int fd) {
        this.pid = pid;
        this.fd = fd;
    }

    /** Whether this kernel has what {@link #parentPid} and {@link #identity} need; where not, {@code /proc} has to. */
    public static boolean supported() {
        return SUPPORTED;
    }

    /** @throws IOException if the process does not exist (any more) */
    public static Pidfd open(int pid) throws IOException {
        long fd = Syscalls.call(Syscalls.PIDFD_OPEN, pid, PIDFD_THREAD);
        if (fd < 0) {
            throw new KernelException("pidfd_open(" + pid + ")", (int) -fd);
        }
        return new Pidfd(pid, (int) fd);
    }

    /** @throws IOException if the process is gone (exited and reaped), or the kernel lacks the ioctl */
    public int parentPid() throws IOException {
        try (Arena arena = Scratch.open()) {
            MemorySegment info = arena.allocate(INFO_SIZE, 8);
            info.set(JAVA_LONG, 0, PIDFD_INFO_PID);
            Syscalls.checked("ioctl(PIDFD_GET_INFO) of " + pid, Syscalls.IOCTL, fd, PIDFD_GET_INFO, info.address());
            return info.get(JAVA_INT, 24);
        }
    }

    /** See the class comment. */
    public long identity() throws IOException {
        return Descriptors.inode(fd);
    }

    @Override
    public void close() {
        Syscalls.close(fd);
    }

    private static boolean probe() {
        int self = (int) ProcessHandle.current().pid();
        try (Pidfd a = open(self); Pidfd b = open(self); Pidfd parent = open(a.parentPid())) {
            // Before pidfs (Linux 6.9) every pidfd shared one anonymous inode; that number identifies nothing.
            return a.parentPid() > 0 && a.identity() == b.identity() && a.identity() != parent.identity();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
