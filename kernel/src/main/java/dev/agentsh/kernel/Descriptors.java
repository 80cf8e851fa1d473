package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Raw file descriptors of this process, for handing to another one (SCM_RIGHTS, seccomp ADDFD); the JDK keeps its
 * own descriptors out of reach. All are close-on-exec here, so none leaks into a command the server starts; close
 * them with {@link Syscalls#close}.
 */
public final class Descriptors {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;
    private static final int MFD_CLOEXEC = 1;
    private static final int O_PATH = 010000000;
    private static final int O_DIRECTORY = 0200000;
    /** struct stat (x86_64 and aarch64): st_ino at offset 8. */
    private static final long STAT_SIZE = 144;

    private static final MethodHandle OPEN = Libc.function("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MEMFD_CREATE = Libc.function("memfd_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITE = Libc.function("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

    private Descriptors() {
    }

    /** {@code file} opened for reading. */
    public static int openReadOnly(Path file) throws IOException {
        return open(file, O_RDONLY | O_CLOEXEC);
    }

    /** The directory {@code dir} as an O_PATH descriptor: a starting point for lookups, not for reading. */
    public static int openPath(Path dir) throws IOException {
        return open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }

    private static int open(Path path, int flags) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Libc.capture(arena);
            int fd = (int) OPEN.invokeExact(capture, arena.allocateFrom(path.toString()), flags, 0);
            if (fd < 0) {
                throw Libc.failure("open " + path, capture);
            }
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow("open " + path, t);
        }
    }

    /** The inode number of the file {@code fd} refers to (fstat's {@code st_ino}). */
    public static long inode(int fd) throws KernelException {
        try (Arena arena = Scratch.open()) {
            MemorySegment stat = arena.allocate(STAT_SIZE, 8);
            Syscalls.checked("fstat(" + fd + ")", Syscalls.FSTAT, fd, stat.address());
            return stat.get(JAVA_LONG, 8);
        }
    }

    /** An anonymous in-memory file named {@code name} (as {@code /memfd:NAME} in /proc) holding {@code content}. */
    public static int memfd(String name, byte[] content) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Libc.capture(arena);
            int fd = (int) MEMFD_CREATE.invokeExact(capture, arena.allocateFrom(name), MFD_CLOEXEC);
            if (fd < 0) {
                throw Libc.failure("memfd_create", capture);
            }
            MemorySegment data = arena.allocate(Math.max(1, content.length));
            MemorySegment.copy(content, 0, data, JAVA_BYTE, 0, content.length);
            long done = 0;
            while (done < content.length) {
                long n = (long) WRITE.invokeExact(capture, fd, data.asSlice(done), content.length - done);
                if (n < 0) {
                    IOException failure = Libc.failure("write to memfd", capture);
                    Syscalls.close(fd);
                    throw failure;
                }
                done += n;
            }
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow("memfd_create", t);
        }
    }
}
