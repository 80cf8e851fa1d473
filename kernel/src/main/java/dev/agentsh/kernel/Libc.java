package dev.agentsh.kernel;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcalls into typed C library functions (for raw system calls see {@link Syscalls}), with errno captured
 * right after each call, since a later JVM-internal call could overwrite it.
 *
 * <p>Every handle made by {@link #function} takes a capture segment as its first argument: allocate it with
 * {@link #capture(Arena)} and read it with {@link #errno(MemorySegment)}.
 */
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private Libc() {
    }

    /** A handle to the C function {@code name} that captures errno; see the class comment. */
    public static MethodHandle function(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = CAPTURE_ERRNO;
        System.arraycopy(options, 0, all, 1, options.length);
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, all);
    }

    public static MemorySegment capture(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    public static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** The failure of {@code call}, named with the errno in {@code capture}. */
    public static IOException failure(String call, MemorySegment capture) {
        return new IOException(call + ": " + Errno.describe(errno(capture)));
    }

    /** Wraps a downcall's Throwable: an IOException passes through, anything else means the binding is broken. */
    public static IOException rethrow(String call, Throwable t) {
        if (t instanceof IOException e) {
            return e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IOException(call + " could not be called", t);
    }
}
