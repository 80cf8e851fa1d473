package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A process's root directory, held open, in which absolute paths resolve the way that process, and every process
 * sharing its root and mount namespace, resolves them: one {@code openat2(RESOLVE_IN_ROOT)} and a readlink of
 * what it opened. {@link ProcFs#canonical} does the same through {@code /proc/PID/root} and one lookup per path
 * component, which for a process that has just been forked costs several times more.
 *
 * <p>The readlink names the file as seen from its own mount namespace's root, which is the holder's root as long
 * as the holder has not chrooted (the caller's business: it must know when the processes it resolves for may have
 * changed their root or namespace).
 */
public final class ProcessRoot implements AutoCloseable {
    private static final long O_PATH = 010000000;
    private static final long O_CLOEXEC = 02000000;
    /** openat2 resolve flags: {@code ..} and absolute symlinks stay inside the root; magic links fail (ELOOP). */
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_IN_ROOT = 0x10;
    private static final int SELF = (int) ProcessHandle.current().pid();

    private final int fd;

    private ProcessRoot(int fd) {
        this.fd = fd;
    }

    /** The root directory of process {@code pid}, as it is now. */
    public static ProcessRoot of(int pid) throws IOException {
        return new ProcessRoot(Descriptors.openPath(Path.of("/proc/" + pid + "/root")));
    }

    /**
     * {@code path} (absolute) with every symlink resolved, and whether it exists.
     *
     * @return null where this way cannot tell and {@link ProcFs#canonical} must: the path goes through a magic
     *         link ({@code /proc/PID/fd/N}, {@code /proc/self/exe}), or ends in {@code /proc}, where links such as
     *         {@code self} would name the reader rather than the process
     */
    public ProcFs.Resolved resolve(String path) throws IOException {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path: " + path);
        }
        long opened;
        try (Arena arena = Scratch.open()) {
            MemorySegment how = arena.allocate(24, 8);   // struct open_how { u64 flags, mode, resolve; }
            how.set(JAVA_LONG, 0, O_PATH | O_CLOEXEC);
            how.set(JAVA_LONG, 16, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
            opened = Syscalls.call(Syscalls.OPENAT2, fd, arena.allocateFrom(path, StandardCharsets.UTF_8).address(),
                    how.address(), 24);
        }
        if (opened == -Errno.ENOENT || opened == -Errno.ENOTDIR) {
            return new ProcFs.Resolved(path, false);
        }
        if (opened < 0) {
            return null;   // ELOOP (a magic link, or too many links), or anything unusual: the slow way says
        }
        try {
            String resolved = ProcFs.link(SELF, "fd/" + opened);
            return resolved.equals("/proc") || resolved.startsWith("/proc/") ? null : new ProcFs.Resolved(resolved, true);
        } finally {
            Syscalls.close(opened);
        }
    }

    @Override
    public void close() {
        Syscalls.close(fd);
    }
}
