package dev.agentsh.cli.client;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The caller's terminal, through termios and ioctl (FFM): raw mode while a remote PTY owns the
 * screen, and the window size it should have. Linux only, like the rest of agentsh.
 */
final class Terminal {
    /** A window size in character cells. */
    record Size(int rows, int cols) {
    }

    /** The saved settings of a terminal in raw mode; closing puts them back. */
    interface RawMode extends AutoCloseable {
        @Override
        void close();
    }

    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int TCSANOW = 0;
    private static final long TIOCGWINSZ = 0x5413;
    /** struct termios is 60 bytes on Linux (x86-64 and arm64); the buffer is opaque to us, so room to spare costs nothing. */
    private static final long TERMIOS_BYTES = 256;

    private Terminal() {
    }

    /**
     * Puts stdin in raw mode (no echo, no line editing, no signals from keys: Ctrl-C travels to the
     * remote program as a byte). A stdin that is no terminal after all gets a no-op.
     */
    static RawMode raw() {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment saved = arena.allocate(TERMIOS_BYTES);
            if ((int) Libc.TCGETATTR.invokeExact(STDIN, saved) != 0) {
                arena.close();
                return () -> { };
            }
            MemorySegment raw = arena.allocate(TERMIOS_BYTES).copyFrom(saved);
            Libc.CFMAKERAW.invokeExact(raw);
            if ((int) Libc.TCSETATTR.invokeExact(STDIN, TCSANOW, raw) != 0) {
                arena.close();
                return () -> { };
            }
            return () -> {
                try {
                    int ignored = (int) Libc.TCSETATTR.invokeExact(STDIN, TCSANOW, saved);
                } catch (Throwable t) {
                    throw new IllegalStateException("tcsetattr could not be called", t);
                } finally {
                    arena.close();
                }
            };
        } catch (Throwable t) {
            arena.close();
            throw new IllegalStateException("termios calls failed", t);
        }
    }

    /** The size of the window stdout shows in, or null when stdout is no terminal. */
    static Size size() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment winsize = arena.allocate(8); // struct winsize: rows, cols, xpixel, ypixel (unsigned short)
            if ((int) Libc.IOCTL.invokeExact(STDOUT, TIOCGWINSZ, winsize) != 0) {
                return null;
            }
            int rows = Short.toUnsignedInt(winsize.get(JAVA_SHORT, 0));
            int cols = Short.toUnsignedInt(winsize.get(JAVA_SHORT, 2));
            return rows == 0 || cols == 0 ? null : new Size(rows, cols);
        } catch (Throwable t) {
            throw new IllegalStateException("ioctl(TIOCGWINSZ) could not be called", t);
        }
    }

    /** Linked on first use, so that commands without a PTY never pay for it. */
    private static final class Libc {
        private static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle TCGETATTR = handle("tcgetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle TCSETATTR = handle("tcsetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle CFMAKERAW = handle("cfmakeraw", FunctionDescriptor.ofVoid(ADDRESS));
        /** {@code int ioctl(int fd, unsigned long request, ...)}: variadic from the third argument on. */
        static final MethodHandle IOCTL = LINKER.downcallHandle(LINKER.defaultLookup().find("ioctl").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));

        private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
            return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
        }
    }
}
