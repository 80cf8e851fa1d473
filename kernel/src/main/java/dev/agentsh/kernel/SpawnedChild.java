package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * A child started with posix_spawn(3) through FFM, which this class alone waits for.
 *
 * <p>Why not {@link ProcessBuilder}: the JDK starts a reaper thread that blocks in waitpid(pid) for every child it
 * starts. A traced child's stops are reported to any waiter in the tracer's thread group, so that reaper would
 * steal the ptrace stop (and record a bogus exit status). A child the JDK does not know about is waited for only by
 * the code that started it.
 */
public final class SpawnedChild {
    private static final int SIGKILL = 9;
    /** Wait for children of every kind, including ptrace-stopped ones reported to this thread. */
    public static final long WALL = 0x40000000L;

    /** {@code int posix_spawn(pid_t*, const char*, file_actions*, attr*, char *const argv[], char *const envp[])}. */
    private static final MethodHandle POSIX_SPAWN = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("posix_spawn").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    private final int pid;
    private boolean reaped;

    private SpawnedChild(int pid) {
        this.pid = pid;
    }

    /** Starts {@code path} with {@code argv} and an empty environment. */
    public static SpawnedChild start(String path, String... argv) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pidOut = arena.allocate(JAVA_INT);
            MemorySegment args = arena.allocate(ADDRESS, argv.length + 1L);
            for (int i = 0; i < argv.length; i++) {
                args.setAtIndex(ADDRESS, i, arena.allocateFrom(argv[i], StandardCharsets.UTF_8));
            }
            args.setAtIndex(ADDRESS, argv.length, MemorySegment.NULL);
            MemorySegment env = arena.allocate(ADDRESS);
            env.set(ADDRESS, 0, MemorySegment.NULL);
            int error = (int) POSIX_SPAWN.invokeExact(pidOut, arena.allocateFrom(path, StandardCharsets.UTF_8),
                    MemorySegment.NULL, MemorySegment.NULL, args, env);
            if (error != 0) {
                // posix_spawn returns the error number instead of setting errno.
                throw new KernelException("posix_spawn(" + path + ")", error);
            }
            return new SpawnedChild(pidOut.get(JAVA_INT, 0));
        } catch (KernelException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("posix_spawn could not be called through FFM", t);
        }
    }

    public int pid() {
        return pid;
    }

    /**
     * wait4(pid, options): the raw wait status, for the caller to decode.
     *
     * @throws KernelException ECHILD if the child is not ours (or was already reaped)
     */
    public int await(long options) throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            long rc;
            do {
                rc = Syscalls.call(Syscalls.WAIT4, pid, status.address(), options, 0);
            } while (rc == -Errno.EINTR);
            if (rc < 0) {
                throw new KernelException("wait4(" + pid + ")", (int) -rc);
            }
            int s = status.get(JAVA_INT, 0);
            if (!isStopped(s)) {
                reaped = true;
            }
            return s;
        }
    }

    /** SIGKILL, then reap, so no zombie is left; a no-op once the child has been reaped. */
    public void killAndReap() throws KernelException {
        if (reaped) {
            return;
        }
        Syscalls.call(Syscalls.KILL, pid, SIGKILL);
        while (!reaped) {
            await(WALL);
        }
    }

    /** WIFSTOPPED. */
    public static boolean isStopped(int status) {
        return (status & 0xff) == 0x7f;
    }
}
