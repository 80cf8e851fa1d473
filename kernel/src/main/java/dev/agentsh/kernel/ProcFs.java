package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What {@code /proc} says about another process: its parent and start time, its working directory and open files,
 * and paths resolved the way that process would resolve them.
 *
 * <p>These run for every intercepted execve, so they go straight to the system calls (readlink, open, read)
 * through FFM: one call per path component, no exceptions for the ordinary "not a symlink" answer.
 */
public final class ProcFs {
    /** The most symlinks followed while resolving one path, as the kernel's own limit. */
    private static final int MAX_SYMLINKS = 40;
    private static final int PATH_MAX = 4096;

    private static final MethodHandle READLINKAT = Libc.function("readlinkat",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final int AT_FDCWD = -100;
    private static final long O_PATH = 010000000;
    private static final long O_DIRECTORY = 0200000;
    private static final long O_CLOEXEC = 02000000;
    /** The inode number of every procfs mount's root directory. */
    private static final long PROC_ROOT_INO = 1;
    private static final MethodHandle READ = Libc.function("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

    private ProcFs() {
    }

    /** A process's parent and its start time (clock ticks after boot), which together tell a reused pid apart. */
    public record Stat(int pid, int parentPid, long startTime) {
    }

    /** @throws IOException if the process does not exist (any more) */
    public static Stat stat(int pid) throws IOException {
        String stat = readSmallFile("/proc/" + pid + "/stat");
        // The command name may hold spaces and parentheses; it ends at the last ')'.
        int at = stat.lastIndexOf(')') + 2;
        String[] fields = stat.substring(at).split(" ", 21);
        return new Stat(pid, Integer.parseInt(fields[1]), Long.parseLong(fields[19]));
    }

    /** The target of {@code /proc/PID/<link>}, e.g. {@code cwd} or {@code fd/3}, as the kernel names it. */
    public static String link(int pid, String link) throws IOException {
        try (Arena arena = Scratch.open()) {
            String target = readlink(arena, AT_FDCWD, "/proc/" + pid + "/" + link);
            if (target == null) {
                throw new IOException("/proc/" + pid + "/" + link + " is not a link");
            }
            return target;
        }
    }

    /**
     * {@code path} (absolute) with every symlink resolved and {@code .}/{@code ..} removed, as process {@code pid}
     * sees it: lookups go through {@code /proc/PID/root}, so the process's own mounts (a workspace bound at
     * {@code /workspace}, say) and root apply, not the server's. A missing component ends resolution; the rest is
     * appended as it is. A link to something that is not a path (a memfd, a deleted file) resolves to the
     * kernel's name for it, such as {@code /memfd:x (deleted)}, which names no file.
     */
    public static Resolved canonical(int pid, String path) throws IOException {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path: " + path);
        }
        // Every lookup starts at the process's root, opened once, instead of walking /proc/PID/root each time.
        int root = Descriptors.openPath(java.nio.file.Path.of("/proc/" + pid + "/root"));
        try (Arena arena = Scratch.open()) {
            return resolveUnder(arena, root, pid, path);
        } finally {
            Syscalls.close(root);
        }
    }

    private static Resolved resolveUnder(Arena arena, int root, int pid, String path) throws IOException {
        Deque<String> pending = new ArrayDeque<>();
        push(pending, path);
        StringBuilder resolved = new StringBuilder();
        Deque<Integer> ends = new ArrayDeque<>();
        int links = 0;
        boolean exists = true;
        while (!pending.isEmpty()) {
            String part = pending.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!ends.isEmpty()) {
                    ends.pop();
                    resolved.setLength(ends.isEmpty() ? 0 : ends.peek());
                }
                continue;
            }
            if ((part.equals("self") || part.equals("thread-self")) && isProcRoot(arena, root, resolved)) {
                // Read by us, these links would name the server; for the process they name itself. Wherever procfs
                // is mounted: a process may mount it somewhere other than /proc.
                part = Integer.toString(pid);
            }
            int before = resolved.length();
            resolved.append('/').append(part);
            if (!exists) {
                ends.push(resolved.length());
                continue;
            }
            // Relative to the root descriptor: the prefix is already free of symlinks, so the kernel's walk
            // never leaves the process's root.
            String target = readlink(arena, root, resolved.substring(1));
            if (target == null) {
                ends.push(resolved.length());
                continue;
            }
            if (target.isEmpty()) {
                // ENOENT: the rest is appended unresolved.
                exists = false;
                ends.push(resolved.length());
                continue;
            }
            if (++links > MAX_SYMLINKS) {
                throw new IOException("too many levels of symbolic links: " + path);
            }
            resolved.setLength(before);
            if (target.startsWith("/")) {
                resolved.setLength(0);
                ends.clear();
            }
            push(pending, target);
        }
        return new Resolved(resolved.isEmpty() ? "/" : resolved.toString(), exists);
    }

    /** Whether {@code dir} (symlink-free, under {@code root}) is the root directory of a procfs mount. */
    private static boolean isProcRoot(Arena arena, int root, CharSequence dir) throws IOException {
        String relative = dir.isEmpty() ? "." : dir.toString().substring(1);
        long fd = Syscalls.call(Syscalls.OPENAT, root, arena.allocateFrom(relative).address(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            return false;   // not a directory, or not there: then it is no procfs root either
        }
        try {
            return Statfs.filesystemType((int) fd) == Statfs.PROC_SUPER_MAGIC && Descriptors.inode((int) fd) == PROC_ROOT_INO;
        } finally {
            Syscalls.close(fd);
        }
    }

    /** A canonical path, and whether it names an existing file for the process. */
    public record Resolved(String path, boolean exists) {
    }

    /**
     * The target of the link at {@code path} (relative to {@code dirfd}); null if it is not a link; empty if it
     * does not exist.
     *
     * @throws IOException for any other failure (permission, a process that is gone)
     */
    private static String readlink(Arena arena, int dirfd, String path) throws IOException {
        MemorySegment capture = Libc.capture(arena);
        MemorySegment name = arena.allocateFrom(path);
        MemorySegment buffer = arena.allocate(PATH_MAX);
        long n;
        try {
            n = (long) READLINKAT.invokeExact(capture, dirfd, name, buffer, (long) PATH_MAX);
        } catch (Throwable t) {
            throw Libc.rethrow("readlinkat", t);
        }
        if (n >= 0) {
            return new String(buffer.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
        }
        return switch (Libc.errno(capture)) {
            case Errno.EINVAL -> null;
            case Errno.ENOENT, Errno.ENOTDIR -> "";
            default -> throw Libc.failure("readlink " + path, capture);
        };
    }

    /** A procfs file of at most a page, read with one read(2): procfs files report size 0, so sizes lie. */
    private static String readSmallFile(String path) throws IOException {
        int fd = Descriptors.openReadOnly(java.nio.file.Path.of(path));
        try (Arena arena = Scratch.open()) {
            MemorySegment capture = Libc.capture(arena);
            MemorySegment buffer = arena.allocate(PATH_MAX);
            long n = (long) READ.invokeExact(capture, fd, buffer, (long) PATH_MAX);
            if (n < 0) {
                throw Libc.failure("read " + path, capture);
            }
            return new String(buffer.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw Libc.rethrow("read " + path, t);
        } finally {
            Syscalls.close(fd);
        }
    }

    private static void push(Deque<String> pending, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            pending.push(parts[i]);
        }
    }
}
