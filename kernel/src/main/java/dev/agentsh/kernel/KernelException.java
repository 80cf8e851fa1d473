package dev.agentsh.kernel;

import java.io.IOException;

/** A system call failed; {@link #errno()} says how, the message says which call. */
public final class KernelException extends IOException {
    private final int errno;

    public KernelException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
