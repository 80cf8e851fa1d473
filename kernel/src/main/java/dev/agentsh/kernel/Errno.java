package dev.agentsh.kernel;

import java.util.Map;

/** The errno values agentsh's kernel calls meet, with the names and texts people search for. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int E2BIG = 7;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int EOPNOTSUPP = 95;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM (operation not permitted)"),
            Map.entry(ENOENT, "ENOENT (no such file or directory)"),
            Map.entry(ESRCH, "ESRCH (no such process)"),
            Map.entry(EINTR, "EINTR (interrupted system call)"),
            Map.entry(EIO, "EIO (input/output error)"),
            Map.entry(EBADF, "EBADF (bad file descriptor)"),
            Map.entry(ECHILD, "ECHILD (no child processes)"),
            Map.entry(EAGAIN, "EAGAIN (resource temporarily unavailable)"),
            Map.entry(ENOMEM, "ENOMEM (cannot allocate memory)"),
            Map.entry(EACCES, "EACCES (permission denied)"),
            Map.entry(EFAULT, "EFAULT (bad address)"),
            Map.entry(EBUSY, "EBUSY (device or resource busy)"),
            Map.entry(EEXIST, "EEXIST (file exists)"),
            Map.entry(ENODEV, "ENODEV (no such device)"),
            Map.entry(ENOTDIR, "ENOTDIR (not a directory)"),
            Map.entry(EINVAL, "EINVAL (invalid argument)"),
            Map.entry(E2BIG, "E2BIG (argument list too long)"),
            Map.entry(ENOSYS, "ENOSYS (function not implemented)"),
            Map.entry(ELOOP, "ELOOP (too many levels of symbolic links)"),
            Map.entry(EOPNOTSUPP, "EOPNOTSUPP (operation not supported)"));

    private Errno() {
    }

    /** {@code "EPERM (operation not permitted)"}, or {@code "errno 42"} for one not listed here. */
    public static String describe(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
