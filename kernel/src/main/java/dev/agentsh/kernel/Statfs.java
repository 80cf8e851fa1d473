package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** statfs(2) and fstatfs(2), for the one field agentsh needs: which filesystem a path or descriptor is on. */
public final class Statfs {
    public static final long CGROUP2_SUPER_MAGIC = 0x63677270L;
    public static final long TMPFS_MAGIC = 0x01021994L;
    public static final long PROC_SUPER_MAGIC = 0x9fa0L;
    /** sizeof(struct statfs) is 120 on x86_64 and aarch64; room to spare. */
    private static final long STRUCT_SIZE = 256;

    private Statfs() {
    }

    /** {@code f_type}, the filesystem's magic number (the first field of struct statfs on 64-bit Linux). */
    public static long filesystemType(Path path) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STRUCT_SIZE, 8);
            Syscalls.checked("statfs(" + path + ")", Syscalls.STATFS,
                    arena.allocateFrom(path.toString(), StandardCharsets.UTF_8).address(), buf.address());
            return buf.get(JAVA_LONG, 0);
        }
    }

    /** {@code f_type} of the filesystem descriptor {@code fd} is on. */
    public static long filesystemType(int fd) throws KernelException {
        try (Arena arena = Scratch.open()) {
            MemorySegment buf = arena.allocate(STRUCT_SIZE, 8);
            Syscalls.checked("fstatfs(" + fd + ")", Syscalls.FSTATFS, fd, buf.address());
            return buf.get(JAVA_LONG, 0);
        }
    }
}
