package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The raw {@code syscall(2)} entry point through FFM, and the system call numbers agentsh uses.
 *
 * <p>Raw calls serve two purposes: glibc has no wrapper for landlock, seccomp, bpf or fsopen, and for ptrace and
 * wait4 the raw call has the plain kernel semantics (glibc's ptrace wrapper is variadic and rewrites the PEEK
 * requests). Every call returns the kernel's answer in one {@code long}: the result when it is {@code >= 0}, else
 * {@code -errno}, so callers can branch on the errno without a second out-parameter.
 */
public final class Syscalls {
    private static final boolean X86_64 = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"));
    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));

    public static final long CLOSE = number(3, 57);
    public static final long FSTAT = number(5, 80);
    public static final long IOCTL = number(16, 29);
    public static final long OPENAT = number(257, 56);
    public static final long KILL = number(62, 129);
    public static final long WAIT4 = number(61, 260);
    public static final long PTRACE = number(101, 117);
    public static final long CAPGET = number(125, 90);
    public static final long PRCTL = number(157, 167);
    public static final long STATFS = number(137, 43);
    public static final long FSTATFS = number(138, 44);
    public static final long SECCOMP = number(317, 277);
    public static final long BPF = number(321, 280);
    public static final long FSOPEN = number(430, 430);
    public static final long PIDFD_OPEN = number(434, 434);
    public static final long OPENAT2 = number(437, 437);
    public static final long LANDLOCK_CREATE_RULESET = number(444, 444);

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /**
     * {@code long syscall(long number, ...)}: variadic after the number. Six variadic longs are always passed; the
     * kernel reads six argument registers whatever the call, so the unused ones are harmless.
     */
    private static final MethodHandle SYSCALL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

    private Syscalls() {
    }

    /**
     * Calls system call {@code number} with up to six arguments (pointers as {@link MemorySegment#address()}).
     *
     * @return the result ({@code >= 0}) or {@code -errno}; {@code -ENOSYS} on an architecture whose numbers this
     *         class does not know
     */
    public static long call(long number, long... args) {
        if (number < 0) {
            return -Errno.ENOSYS;
        }
        if (args.length > 6) {
            throw new IllegalArgumentException("a system call takes at most six arguments, got " + args.length);
        }
        long[] a = new long[6];
        System.arraycopy(args, 0, a, 0, args.length);
        try (Arena arena = Scratch.open()) {
            MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
            long rc = (long) SYSCALL.invokeExact(capture, number, a[0], a[1], a[2], a[3], a[4], a[5]);
            return rc == -1 ? -(int) ERRNO.get(capture, 0L) : rc;
        } catch (Throwable t) {
            throw new IllegalStateException("syscall(" + number + ") could not be called through FFM", t);
        }
    }

    /** Like {@link #call} but throws on failure, naming {@code what} and the errno. */
    public static long checked(String what, long number, long... args) throws KernelException {
        long rc = call(number, args);
        if (rc < 0) {
            throw new KernelException(what, (int) -rc);
        }
        return rc;
    }

    /** Closes {@code fd}, ignoring errors: every caller closes a descriptor it just created and owns alone. */
    public static void close(long fd) {
        call(CLOSE, fd);
    }

    private static long number(long x86_64, long aarch64) {
        return X86_64 ? x86_64 : AARCH64 ? aarch64 : -1;
    }
}
