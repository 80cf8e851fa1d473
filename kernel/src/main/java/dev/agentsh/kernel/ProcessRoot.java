package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A process's root directory, held open, in which absolute paths resolve the way that process, and every process
 * sharing its root and mount namespace, resolves them: one {@code openat2(RESOLVE_IN_ROOT)}, and only where the
 * path has a symlink in it, a readlink of what it opened. {@link ProcFs#canonical} does the same through
 * {@code /proc/PID/root} and one lookup per path component, which for a process that has just been forked costs
 * several times more.
 *
 * <p>The readlink names the file as seen from its own mount namespace's root, which is the holder's root as long
 * as the holder has not chrooted (the caller's business: it must know when the processes it resolves for may have
 * changed their root or namespace).
 */
public final class ProcessRoot implements AutoCloseable {
    private static final long O_PATH = 010000000;
    private static final long O_CLOEXEC = 02000000;
    /** openat2 resolve flags: {@code ..} and absolute symlinks stay inside the root; (magic) links fail (ELOOP). */
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_NO_SYMLINKS = 0x04;
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
        String lexical = normalize(path);
        if (isUnderProc(lexical)) {
            return null;
        }
        // Most executables are reached without a symlink; then the path, with . and .. taken out, is the answer.
        long opened = open(path, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
        if (opened >= 0) {
            Syscalls.close(opened);
            return new ProcFs.Resolved(lexical, true);
        }
        if (opened == -Errno.ELOOP) {
            opened = open(path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
        }
        if (opened == -Errno.ENOENT || opened == -Errno.ENOTDIR) {
            return new ProcFs.Resolved(path, false);
        }
        if (opened < 0) {
            return null;   // ELOOP (a magic link, or too many links), or anything unusual: the slow way says
        }
        try {
            String resolved = ProcFs.link(SELF, "fd/" + opened);
            return isUnderProc(resolved) ? null : new ProcFs.Resolved(resolved, true);
        } finally {
            Syscalls.close(opened);
        }
    }

    /** An O_PATH descriptor of {@code path} under this root, or minus the errno. */
    private long open(String path, long resolve) {
        try (Arena arena = Scratch.open()) {
            MemorySegment how = arena.allocate(24, 8);   // struct open_how { u64 flags, mode, resolve; }
            how.set(JAVA_LONG, 0, O_PATH | O_CLOEXEC);
            how.set(JAVA_LONG, 16, resolve);
            return Syscalls.call(Syscalls.OPENAT2, fd, arena.allocateFrom(path, StandardCharsets.UTF_8).address(),
                    how.address(), 24);
        }
    }

    /** An absolute path without empty, {@code .} and {@code ..} components; {@code ..} at the root stays there. */
    static String normalize(String path) {
        StringBuilder out = new StringBuilder(path.length());
        int i = 0;
        while (i < path.length()) {
            int end = path.indexOf('/', i);
            if (end < 0) {
                end = path.length();
            }
            int length = end - i;
            if (length == 2 && path.charAt(i) == '.' && path.charAt(i + 1) == '.') {
                out.setLength(Math.max(out.lastIndexOf("/"), 0));
            } else if (length > 0 && !(length == 1 && path.charAt(i) == '.')) {
                out.append('/').append(path, i, end);
            }
            i = end + 1;
        }
        return out.isEmpty() ? "/" : out.toString();
    }

    private static boolean isUnderProc(String path) {
        return path.equals("/proc") || path.startsWith("/proc/");
    }

    @Override
    public void close() {
        Syscalls.close(fd);
    }
}
