package dev.agentsh.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What {@code /proc} says about another process: its parent and start time, its working directory and open files,
 * and paths resolved the way that process would resolve them.
 */
public final class ProcFs {
    /** The most symlinks followed while resolving one path, as the kernel's own limit. */
    private static final int MAX_SYMLINKS = 40;

    private ProcFs() {
    }

    /** A process's parent and its start time (clock ticks after boot), which together tell a reused pid apart. */
    public record Stat(int pid, int parentPid, long startTime) {
    }

    /** @throws IOException if the process does not exist (any more) */
    public static Stat stat(int pid) throws IOException {
        String stat = PseudoFiles.read(Path.of("/proc", Integer.toString(pid), "stat"));
        // The command name may hold spaces and parentheses; it ends at the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new Stat(pid, Integer.parseInt(fields[1]), Long.parseLong(fields[19]));
    }

    /** The target of {@code /proc/PID/<link>}, e.g. {@code cwd} or {@code fd/3}, as the kernel names it. */
    public static String link(int pid, String link) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), link)).toString();
    }

    /**
     * {@code path} (absolute) with every symlink resolved and {@code .}/{@code ..} removed, as process {@code pid}
     * sees it: lookups go through {@code /proc/PID/root}, so the process's own mounts (a workspace bound at
     * {@code /workspace}, say) and root apply, not the server's. A missing component ends resolution; the rest is
     * appended as it is. A link to something that is not a path (a memfd, a deleted file) resolves to the
     * kernel's name for it, such as {@code /memfd:x (deleted)}, which names no file.
     */
    public static String canonical(int pid, String path) throws IOException {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path: " + path);
        }
        Path root = Path.of("/proc", Integer.toString(pid), "root");
        Deque<String> pending = new ArrayDeque<>();
        push(pending, path);
        Deque<String> resolved = new ArrayDeque<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String part = pending.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                resolved.pollLast();
                continue;
            }
            if (resolved.size() == 1 && resolved.peekFirst().equals("proc")
                    && (part.equals("self") || part.equals("thread-self"))) {
                // Read by us, these links would name the server; for the process they name itself.
                resolved.addLast(Integer.toString(pid));
                continue;
            }
            Path here = root.resolve(String.join("/", resolved)).resolve(part);
            if (Files.isSymbolicLink(here)) {
                if (++links > MAX_SYMLINKS) {
                    throw new IOException("too many levels of symbolic links: " + path);
                }
                String target = Files.readSymbolicLink(here).toString();
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                push(pending, target);
                continue;
            }
            resolved.addLast(part);
            if (!Files.exists(here, LinkOption.NOFOLLOW_LINKS)) {
                while (!pending.isEmpty()) {
                    String rest = pending.pop();
                    if (!rest.isEmpty() && !rest.equals(".")) {
                        resolved.addLast(rest);
                    }
                }
            }
        }
        return "/" + String.join("/", resolved);
    }

    private static void push(Deque<String> pending, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            pending.push(parts[i]);
        }
    }
}
