package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A unix-domain SOCK_SEQPACKET socket through FFM, for the two things the JDK's channels cannot do: pass file
 * descriptors (SCM_RIGHTS) and tell who is on the other end (SO_PEERCRED). Messages keep their boundaries.
 *
 * <p>Every blocking operation takes a timeout and waits with poll(2) first, so no call can hang on a peer that
 * stopped talking. Call from platform threads where the wait may be long.
 */
public final class SeqpacketSocket implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_PEERCRED = 17;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int SUN_PATH_MAX = 108;

    private static final MethodHandle SOCKET = Libc.function("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = Libc.function("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = Libc.function("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = Libc.function("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = Libc.function("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SEND = Libc.function("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECVMSG = Libc.function("recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    private final int fd;
    private volatile boolean closed;

    private SeqpacketSocket(int fd) {
        this.fd = fd;
    }

    /** A listening socket bound at {@code path}, which must not exist yet. */
    public static SeqpacketSocket listen(Path path) throws IOException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH_MAX) {
            throw new IOException("socket path too long (max " + (SUN_PATH_MAX - 1) + " bytes): " + path);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Libc.capture(arena);
            int fd = (int) SOCKET.invokeExact(capture, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw Libc.failure("socket(AF_UNIX, SOCK_SEQPACKET)", capture);
            }
            MemorySegment address = arena.allocate(2 + SUN_PATH_MAX);
            address.set(JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(name, 0, address, JAVA_BYTE, 2, name.length);
            if ((int) BIND.invokeExact(capture, fd, address, 2 + name.length + 1) != 0
                    || (int) LISTEN.invokeExact(capture, fd, 128) != 0) {
                IOException failure = Libc.failure("bind/listen " + path, capture);
                Syscalls.close(fd);
                throw failure;
            }
            return new SeqpacketSocket(fd);
        } catch (Throwable t) {
            throw Libc.rethrow("bind " + path, t);
        }
    }

    /** The next connection, or null if none arrived within {@code timeoutMillis}. */
    public SeqpacketSocket accept(int timeoutMillis) throws IOException {
        if (!awaitReadable(timeoutMillis)) {
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Libc.capture(arena);
            int client = (int) ACCEPT4.invokeExact(capture, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
            if (client < 0) {
                int errno = Libc.errno(capture);
                if (errno == Errno.EINTR || errno == Errno.EAGAIN) {
                    return null;
                }
                throw Libc.failure("accept4", capture);
            }
            return new SeqpacketSocket(client);
        } catch (Throwable t) {
            throw Libc.rethrow("accept4", t);
        }
    }

    /** The pid of the process that connected (SO_PEERCRED), as the kernel recorded it at connect time. */
    public int peerPid() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Libc.capture(arena);
            MemorySegment ucred = arena.allocate(12);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 12);
            if ((int) GETSOCKOPT.invokeExact(capture, fd, SOL_SOCKET, SO_PEERCRED, ucred, length) != 0) {
                throw Libc.failure("getsockopt(SO_PEERCRED)", capture);
            }
            return ucred.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Libc.rethrow("getsockopt(SO_PEERCRED)", t);
        }
    }

    /** Sends one message. */
    public void send(byte[] message) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Libc.capture(arena);
            MemorySegment data = arena.allocate(Math.max(1, message.length));
            MemorySegment.copy(message, 0, data, JAVA_BYTE, 0, message.length);
            long sent = (long) SEND.invokeExact(capture, fd, data, (long) message.length, MSG_NOSIGNAL);
            if (sent != message.length) {
                throw sent < 0 ? Libc.failure("send", capture) : new IOException("send: short write");
            }
        } catch (Throwable t) {
            throw Libc.rethrow("send", t);
        }
    }

    /**
     * Receives one message carrying exactly one file descriptor, which arrives close-on-exec so it cannot leak into
     * any command the server starts later.
     *
     * @throws IOException if nothing arrives within {@code timeoutMillis}, the peer closed, or the message carries
     *                     no descriptor
     */
    public int receiveDescriptor(int timeoutMillis) throws IOException {
        if (!awaitReadable(timeoutMillis)) {
            throw new IOException("no descriptor arrived within " + timeoutMillis + " ms");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Libc.capture(arena);
            MemorySegment data = arena.allocate(16);
            MemorySegment iov = arena.allocate(16, 8);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, data.byteSize());
            // CMSG_SPACE(sizeof(int)): a 16-byte header plus the int, padded to 8.
            MemorySegment control = arena.allocate(24, 8);
            MemorySegment header = arena.allocate(56, 8);
            header.set(ADDRESS, 16, iov);
            header.set(JAVA_LONG, 24, 1L);
            header.set(ADDRESS, 32, control);
            header.set(JAVA_LONG, 40, control.byteSize());
            long received = (long) RECVMSG.invokeExact(capture, fd, header, MSG_CMSG_CLOEXEC);
            if (received < 0) {
                throw Libc.failure("recvmsg", capture);
            }
            if (received == 0) {
                throw new IOException("the peer closed the connection before sending a descriptor");
            }
            long controlLength = header.get(JAVA_LONG, 40);
            if (controlLength < 20 || control.get(JAVA_INT, 8) != SOL_SOCKET || control.get(JAVA_INT, 12) != SCM_RIGHTS) {
                throw new IOException("the message carried no descriptor");
            }
            return control.get(JAVA_INT, 16);
        } catch (Throwable t) {
            throw Libc.rethrow("recvmsg", t);
        }
    }

    private boolean awaitReadable(int timeoutMillis) throws IOException {
        return (Poll.await(fd, Poll.IN, timeoutMillis) & Poll.IN) != 0;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Syscalls.close(fd);
        }
    }
}
