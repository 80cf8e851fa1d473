package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * poll(2) on one descriptor: the bounded wait before every blocking call on a raw descriptor, so that a thread can
 * look up now and then (to stop, or to give up) instead of blocking in the kernel for good.
 */
public final class Poll {
    public static final short IN = 0x1;
    public static final short OUT = 0x4;
    public static final short HUP = 0x10;
    public static final short NVAL = 0x20;

    private static final MethodHandle POLL = Libc.function("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private Poll() {
    }

    /**
     * Waits up to {@code timeoutMillis} for {@code events} on {@code fd}.
     *
     * @return the events that happened ({@code revents}: may include HUP or NVAL, which are always reported); 0 if
     *         none did in time, or the wait was interrupted by a signal
     */
    public static short await(int fd, short events, int timeoutMillis) throws IOException {
        try (Arena arena = Scratch.open()) {
            MemorySegment capture = Libc.capture(arena);
            // struct pollfd { int fd; short events; short revents; }
            MemorySegment pollfd = arena.allocate(8, 4);
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(JAVA_SHORT, 4, events);
            int ready = (int) POLL.invokeExact(capture, pollfd, 1L, timeoutMillis);
            if (ready < 0) {
                if (Libc.errno(capture) == Errno.EINTR) {
                    return 0;
                }
                throw Libc.failure("poll", capture);
            }
            return ready == 0 ? 0 : pollfd.get(JAVA_SHORT, 6);
        } catch (Throwable t) {
            throw Libc.rethrow("poll", t);
        }
    }
}
