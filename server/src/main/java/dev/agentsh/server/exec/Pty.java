package dev.agentsh.server.exec;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.agentsh.kernel.Errno;
import dev.agentsh.kernel.Libc;
import dev.agentsh.kernel.Poll;
import dev.agentsh.kernel.Syscalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A pseudo-terminal pair through FFM: the server keeps the master side, a command gets the terminal side (by path,
 * see {@link ProcessLauncher.Launch#terminal()}) as its stdio and controlling terminal.
 *
 * <p>Reads and writes wait in poll(2), so call them from platform threads: a virtual thread blocked in a native
 * call would hold one of the few carrier threads for as long as the terminal is quiet. Writes and {@link #close}
 * are serialized, so a write never lands on a descriptor number that close has released for reuse.
 */
public final class Pty implements AutoCloseable {
    private static final int O_RDWR = 02;
    private static final int O_NOCTTY = 0400;
    private static final int O_CLOEXEC = 02000000;
    private static final int O_NONBLOCK = 04000;
    private static final long TIOCSWINSZ = 0x5414;
    /** How long a blocked write waits before looking whether the pty is being closed. */
    private static final int WRITE_POLL_MILLIS = 50;

    private static final MethodHandle POSIX_OPENPT = Libc.function("posix_openpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GRANTPT = Libc.function("grantpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle UNLOCKPT = Libc.function("unlockpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle PTSNAME_R = Libc.function("ptsname_r",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle READ = Libc.function("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = Libc.function("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    /** ioctl is variadic: the argument after the request must be passed as a variadic one. */
    private static final MethodHandle IOCTL = Libc.function("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    /** struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; } */
    private static final MemoryLayout WINSIZE = MemoryLayout.sequenceLayout(4, JAVA_SHORT);

    private final int master;
    private final Path terminal;
    private volatile boolean closing;
    private boolean closed;

    private Pty(int master, Path terminal) {
        this.master = master;
        this.terminal = terminal;
    }

    /** Opens a new pseudo-terminal sized {@code rows} x {@code cols}. */
    public static Pty open(int rows, int cols) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Libc.capture(arena);
            // Non-blocking: a write must be able to give up when the pty is closed under it (see write()).
            int fd = (int) POSIX_OPENPT.invokeExact(capture, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
            if (fd < 0) {
                throw Libc.failure("posix_openpt", capture);
            }
            Pty pty = null;
            try {
                if ((int) GRANTPT.invokeExact(capture, fd) != 0) {
                    throw Libc.failure("grantpt", capture);
                }
                if ((int) UNLOCKPT.invokeExact(capture, fd) != 0) {
                    throw Libc.failure("unlockpt", capture);
                }
                MemorySegment name = arena.allocate(128);
                int rc = (int) PTSNAME_R.invokeExact(capture, fd, name, name.byteSize());
                if (rc != 0) {
                    throw new IOException("ptsname_r failed: errno " + rc);
                }
                pty = new Pty(fd, Path.of(name.getString(0, StandardCharsets.UTF_8)));
                pty.resize(rows, cols);
                return pty;
            } finally {
                if (pty == null) {
                    Syscalls.close(fd);
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("could not open a pseudo-terminal", t);
        }
    }

    /** The terminal side's device, e.g. {@code /dev/pts/3}. */
    public Path terminal() {
        return terminal;
    }

    /** Sets the terminal size; the foreground process group gets SIGWINCH. Sizes outside 1..65535 are clamped. */
    public synchronized void resize(int rows, int cols) throws IOException {
        if (closed) {
            throw new IOException("the terminal was closed");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(WINSIZE);
            size.setAtIndex(JAVA_SHORT, 0, (short) Math.clamp(rows, 1, 65535));
            size.setAtIndex(JAVA_SHORT, 1, (short) Math.clamp(cols, 1, 65535));
            MemorySegment capture = Libc.capture(arena);
            if ((int) IOCTL.invokeExact(capture, master, TIOCSWINSZ, size) != 0) {
                throw Libc.failure("ioctl(TIOCSWINSZ)", capture);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("could not resize the terminal", t);
        }
    }

    /**
     * Reads what the command wrote to its terminal, waiting at most {@code timeoutMillis} for something to arrive.
     *
     * @return the number of bytes read; 0 if nothing arrived in time; -1 once every process has closed the terminal
     */
    public int read(byte[] buffer, int timeoutMillis) throws IOException {
        if (Poll.await(master, Poll.IN, timeoutMillis) == 0) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Libc.capture(arena);
            MemorySegment chunk = arena.allocate(buffer.length);
            long n = (long) READ.invokeExact(capture, master, chunk, (long) buffer.length);
            if (n < 0) {
                int errno = Libc.errno(capture);
                // EIO is what the master reports once every process has closed the terminal side.
                if (errno == Errno.EIO) {
                    return -1;
                }
                if (errno == Errno.EINTR || errno == Errno.EAGAIN) {
                    return 0;
                }
                throw Libc.failure("read", capture);
            }
            if (n == 0) {
                return -1;
            }
            MemorySegment.copy(chunk, JAVA_BYTE, 0, buffer, 0, (int) n);
            return (int) n;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("could not read the terminal", t);
        }
    }

    /**
     * Types {@code len} bytes into the terminal, as keyboard input. Waits while the terminal's input queue is full
     * (a program that does not read its input holds the typist back), until the pty is closed.
     *
     * @throws IOException if the pty is or gets closed before everything was written
     */
    public synchronized void write(byte[] bytes, int offset, int len) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Libc.capture(arena);
            MemorySegment data = arena.allocate(Math.max(1, len));
            MemorySegment.copy(bytes, offset, data, JAVA_BYTE, 0, len);
            long done = 0;
            while (done < len) {
                if (closing) {
                    throw new IOException("the terminal was closed");
                }
                long n = (long) WRITE.invokeExact(capture, master, data.asSlice(done), len - done);
                if (n >= 0) {
                    done += n;
                    continue;
                }
                int errno = Libc.errno(capture);
                if (errno == Errno.EAGAIN) {
                    Poll.await(master, Poll.OUT, WRITE_POLL_MILLIS);
                } else if (errno != Errno.EINTR) {
                    throw Libc.failure("write", capture);
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("could not write to the terminal", t);
        }
    }

    @Override
    public void close() {
        // Seen by a write waiting for room, which then gives up the lock this method needs.
        closing = true;
        synchronized (this) {
            closeDescriptor();
        }
    }

    private void closeDescriptor() {
        if (closed) {
            return;
        }
        closed = true;
        Syscalls.close(master);
    }
}
