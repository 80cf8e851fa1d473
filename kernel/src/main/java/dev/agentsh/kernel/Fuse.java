package dev.agentsh.kernel;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The kernel side of FUSE: the /dev/fuse device and the filesystem type for the new mount API. */
public final class Fuse {
    private static final long AT_FDCWD = -100;
    private static final long O_RDWR = 02;
    private static final long O_CLOEXEC = 02000000;
    private static final long FSOPEN_CLOEXEC = 1;

    private Fuse() {
    }

    public static final Path DEVICE = Path.of("/dev/fuse");

    /**
     * Opens {@code device} (normally {@link #DEVICE}) read-write and closes it: what a FUSE daemon does first.
     * Fails with ENOENT when the device node is missing (a container without it), EACCES/EPERM when a device
     * cgroup or the permissions forbid it.
     */
    public static void openDevice(Path device) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            long fd = Syscalls.checked("open(" + device + ", O_RDWR)", Syscalls.OPENAT, AT_FDCWD,
                    arena.allocateFrom(device.toString(), StandardCharsets.UTF_8).address(), O_RDWR | O_CLOEXEC);
            Syscalls.close(fd);
        }
    }

    /**
     * fsopen("fuse") and close: whether this process may start a FUSE mount with the new mount API (Linux 5.2+).
     * Needs CAP_SYS_ADMIN in the mount namespace's user namespace; EPERM also when a seccomp profile blocks it.
     */
    public static void openFilesystemContext() throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            long fd = Syscalls.checked("fsopen(fuse)", Syscalls.FSOPEN,
                    arena.allocateFrom("fuse", StandardCharsets.US_ASCII).address(), FSOPEN_CLOEXEC);
            Syscalls.close(fd);
        }
    }
}
