package dev.agentsh.server.exec;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
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
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    /** What the master reports once every process has closed the terminal side. */
    private static final int EIO = 5;
    private static final long TIOCSWINSZ = 0x5414;
    private static final short POLLIN = 0x1;
    private static final short POLLOUT = 0x4;
    /** How long a blocked write waits before looking whether the pty is being closed. */
    private static final int WRITE_POLL_MILLIS = 50;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle POSIX_OPENPT = function("posix_openpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GRANTPT = function("grantpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle UNLOCKPT = function("unlockpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle PTSNAME_R = function("ptsname_r",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle READ = function("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = function("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle POLL = function("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    /** ioctl is variadic: the argument after the request must be passed as a variadic one. */
    private static final MethodHandle IOCTL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("ioctl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    /** struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; } */
    private static final MemoryLayout WINSIZE = MemoryLayout.sequenceLayout(4, JAVA_SHORT);
    /** struct pollfd { int fd; short events; short revents; } */
    private static final MemoryLayout POLLFD = MemoryLayout.structLayout(JAVA_INT, JAVA_SHORT, JAVA_SHORT);

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
            MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
            // Non-blocking: a write must be able to give up when the pty is closed under it (see write()).
            int fd = (int) POSIX_OPENPT.invokeExact(capture, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
            if (fd < 0) {
                throw failure("posix_openpt", capture);
            }
            Pty pty = null;
            try {
                if ((int) GRANTPT.invokeExact(capture, fd) != 0) {
                    throw failure("grantpt", capture);
                }
                if ((int) UNLOCKPT.invokeExact(capture, fd) != 0) {
                    throw failure("unlockpt", capture);
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
                    int ignored = (int) CLOSE.invokeExact(capture, fd);
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
            MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
            if ((int) IOCTL.invokeExact(capture, master, TIOCSWINSZ, size) != 0) {
                throw failure("ioctl(TIOCSWINSZ)", capture);
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
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment pollfd = arena.allocate(POLLFD);
            pollfd.set(JAVA_INT, 0, master);
            pollfd.set(JAVA_SHORT, 4, POLLIN);
            int ready = (int) POLL.invokeExact(capture, pollfd, 1L, timeoutMillis);
            if (ready == 0 || (ready < 0 && errno(capture) == EINTR)) {
                return 0;
            }
            if (ready < 0) {
                throw failure("poll", capture);
            }
            MemorySegment chunk = arena.allocate(buffer.length);
            long n = (long) READ.invokeExact(capture, master, chunk, (long) buffer.length);
            if (n < 0) {
                int errno = errno(capture);
                if (errno == EIO) {
                    return -1;
                }
                if (errno == EINTR || errno == EAGAIN) {
                    return 0;
                }
                throw failure("read", capture);
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
            MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment data = arena.allocate(Math.max(1, len));
            MemorySegment.copy(bytes, offset, data, JAVA_BYTE, 0, len);
            MemorySegment pollfd = arena.allocate(POLLFD);
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
                int errno = errno(capture);
                if (errno == EAGAIN) {
                    pollfd.set(JAVA_INT, 0, master);
                    pollfd.set(JAVA_SHORT, 4, POLLOUT);
                    int ignored = (int) POLL.invokeExact(capture, pollfd, 1L, WRITE_POLL_MILLIS);
                } else if (errno != EINTR) {
                    throw failure("write", capture);
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
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CAPTURE_LAYOUT), master);
        } catch (Throwable t) {
            // close(2) of our own descriptor only fails for EBADF/EINTR; the descriptor is released either way.
        }
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, ERRNO_OPTION);
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    private static IOException failure(String call, MemorySegment capture) {
        return new IOException(call + " failed: errno " + errno(capture));
    }
}
