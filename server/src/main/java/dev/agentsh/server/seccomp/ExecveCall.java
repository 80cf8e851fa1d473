package dev.agentsh.server.seccomp;

import dev.agentsh.kernel.ProcFs;
import dev.agentsh.kernel.ProcessRoot;
import dev.agentsh.kernel.TraceeMemory;
import dev.agentsh.kernel.seccomp.SeccompListener.Notification;
import dev.agentsh.kernel.seccomp.SeccompProgram;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An execve or execveat as the stopped process made it: the file it names (as given, and resolved the way that
 * process resolves paths) and its arguments, read from its memory within the configured limits.
 *
 * @param rawFilename the path argument as given (for execveat relative to a directory descriptor, or empty)
 * @param rawFilenameAddress where that string is in the process's memory
 * @param rawFilenameBytes   its length in bytes, without the NUL
 * @param filename    the absolute, symlink-free path the process would execute, in its own view of the file system
 * @param exists      whether that file exists for the process (the kernel would answer ENOENT itself otherwise)
 * @param truncated   whether argv had more entries than {@code maxArgc} or more bytes than {@code maxArgvBytes}
 */
record ExecveCall(int pid, String rawFilename, long rawFilenameAddress, int rawFilenameBytes, String filename,
                  boolean exists, List<String> argv, boolean truncated) {
    private static final int AT_FDCWD = -100;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int PATH_MAX = 4096;
    /** argv pointers are read this many at a time (most commands have fewer arguments). */
    private static final int POINTERS_PER_READ = 32;

    /**
     * Reads the call.
     *
     * @param sharedRoot the root directory every process of the tree still shares, to resolve the path in; null
     *                   when one of them may have changed its root or mount namespace, so the path is resolved
     *                   through the calling process's own {@code /proc/PID/root}
     * @throws IOException if the process's memory or its {@code /proc} entries cannot be read; the call must then
     *                     be denied
     */
    static ExecveCall read(Notification n, int maxArgc, int maxArgvBytes, ProcessRoot sharedRoot) throws IOException {
        TraceeMemory memory = new TraceeMemory(n.pid());
        boolean at = n.nr() == SeccompProgram.NR_EXECVEAT;
        long pathPointer = at ? n.args()[1] : n.args()[0];
        long argvPointer = at ? n.args()[2] : n.args()[1];
        int dirfd = (int) n.args()[0];
        int flags = at ? (int) n.args()[4] : 0;

        // The path and the first argv pointers in one read; both usually fit.
        byte[][] first = memory.readChunks(new long[] {pathPointer, argvPointer});
        byte[] rawBytes = untilNul(first[0]);
        if (rawBytes == null) {
            rawBytes = memory.readString(pathPointer, PATH_MAX);
        }
        if (rawBytes.length > PATH_MAX) {
            throw new IOException("executable path longer than " + PATH_MAX + " bytes");
        }
        String raw = new String(rawBytes, StandardCharsets.UTF_8);
        String absolute;
        if (raw.startsWith("/")) {
            absolute = raw;
        } else if (raw.isEmpty()) {
            if (!at || (flags & AT_EMPTY_PATH) == 0) {
                throw new IOException("empty executable path");
            }
            // fexecve / execveat(fd, "", AT_EMPTY_PATH): the file is the descriptor itself.
            absolute = ProcFs.link(n.pid(), "fd/" + dirfd);
        } else {
            String base = !at || dirfd == AT_FDCWD ? ProcFs.link(n.pid(), "cwd") : ProcFs.link(n.pid(), "fd/" + dirfd);
            absolute = base + "/" + raw;
        }
        ProcFs.Resolved resolved = new ProcFs.Resolved(absolute, false);
        if (absolute.startsWith("/")) {
            resolved = sharedRoot == null ? null : sharedRoot.resolve(absolute);
            if (resolved == null) {
                resolved = ProcFs.canonical(n.pid(), absolute);
            }
        }

        // The argv pointers up to the NULL, at most maxArgc + 1 of them (one more tells that argv was cut).
        long[] addresses = new long[Math.min(POINTERS_PER_READ, maxArgc + 1)];
        int count = 0;
        long[] pointers = TraceeMemory.pointersIn(first[1]);
        for (long next = argvPointer; ; ) {
            if (pointers.length == 0) {
                pointers = memory.readPointers(next, POINTERS_PER_READ);
            }
            next += 8L * pointers.length;
            int j = 0;
            while (j < pointers.length && pointers[j] != 0 && count <= maxArgc) {
                if (count == addresses.length) {
                    addresses = Arrays.copyOf(addresses, Math.min(2 * count, maxArgc + 1));
                }
                addresses[count++] = pointers[j++];
            }
            if (j < pointers.length || count > maxArgc) {
                break;
            }
            pointers = new long[0];
        }
        boolean truncated = count > maxArgc;
        addresses = Arrays.copyOf(addresses, Math.min(count, maxArgc));
        // The start of every argument in one read; only longer ones need more.
        byte[][] starts = memory.readChunks(addresses);
        List<String> argv = new ArrayList<>(starts.length);
        long budget = maxArgvBytes;
        for (int i = 0; i < starts.length; i++) {
            if (budget <= 0) {
                truncated = true;
                break;
            }
            byte[] arg = untilNul(starts[i]);
            if (arg == null) {
                arg = memory.readString(addresses[i], (int) Math.min(Integer.MAX_VALUE - 1, budget));
            }
            if (arg.length > budget) {
                argv.add(new String(arg, 0, (int) budget, StandardCharsets.UTF_8));
                truncated = true;
                break;
            }
            budget -= arg.length + 1;
            argv.add(new String(arg, StandardCharsets.UTF_8));
        }
        return new ExecveCall(n.pid(), raw, pathPointer, rawBytes.length, resolved.path(), resolved.exists(),
                List.copyOf(argv), truncated);
    }

    /** The bytes before the first NUL, or null if there is none (the string goes on past what was read). */
    private static byte[] untilNul(byte[] chunk) {
        for (int i = 0; i < chunk.length; i++) {
            if (chunk[i] == 0) {
                return Arrays.copyOf(chunk, i);
            }
        }
        return null;
    }

    /** A file that is not a path any more: a memfd, or a deleted file. Nothing can say what it is. */
    boolean unresolvable() {
        return !filename.startsWith("/") || filename.startsWith("/memfd:") || filename.endsWith(" (deleted)");
    }
}
