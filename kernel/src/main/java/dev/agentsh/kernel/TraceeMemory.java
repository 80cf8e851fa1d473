package dev.agentsh.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads another process's memory: process_vm_readv(2) (one call, no open), falling back to {@code /proc/PID/mem}
 * (which some security modules allow where the former is refused). A read that fails both ways is an
 * {@link IOException}; callers deciding policy must then deny.
 */
public final class TraceeMemory {
    private static final MethodHandle PROCESS_VM_WRITEV = Libc.function("process_vm_writev",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PROCESS_VM_READV = Libc.function("process_vm_readv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG));
    /** Strings are read in chunks so a short string near the end of a mapping does not fail a large read. */
    private static final int CHUNK = 256;
    /** The kernel's limit on iovecs in one call. */
    private static final int IOV_MAX = 1024;

    private final int pid;

    public TraceeMemory(int pid) {
        this.pid = pid;
    }

    /**
     * Up to {@code count} consecutive 8-byte pointers at {@code address}, in one read; fewer if the read stops at
     * an unmapped page (at least one, or a failure).
     */
    public long[] readPointers(long address, int count) throws IOException {
        // process_vm_readv fails a read that runs into an unmapped page, rather than returning what it got.
        int toPageEnd = (int) (4096 - (address & 4095)) / 8;
        byte[] bytes = read(address, Math.max(1, Math.min(count, toPageEnd)) * 8);
        if (bytes.length < 8) {
            throw new IOException("short read of a pointer at 0x" + Long.toHexString(address) + " in pid " + pid);
        }
        return pointersIn(bytes);
    }

    /** The whole 8-byte (little-endian) pointers in {@code bytes}, as read from a process's memory. */
    public static long[] pointersIn(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long[] pointers = new long[bytes.length / 8];
        for (int i = 0; i < pointers.length; i++) {
            pointers[i] = in.getLong();
        }
        return pointers;
    }

    /**
     * The NUL-terminated string at {@code address}, at most {@code limit} bytes.
     *
     * @return the bytes before the NUL, or {@code limit + 1} bytes if no NUL came within the limit (so the caller
     *         can tell a truncated string from one of exactly {@code limit} bytes)
     */
    public byte[] readString(long address, int limit) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long at = address;
        while (out.size() <= limit) {
            // Never cross a page boundary in one chunk: the next page may be unmapped.
            int toPageEnd = (int) (4096 - (at & 4095));
            byte[] chunk = read(at, Math.min(CHUNK, toPageEnd));
            if (chunk.length == 0) {
                throw new IOException("unreadable string at 0x" + Long.toHexString(at) + " in pid " + pid);
            }
            for (byte b : chunk) {
                if (b == 0) {
                    return out.toByteArray();
                }
                out.write(b);
                if (out.size() > limit) {
                    return out.toByteArray();
                }
            }
            at += chunk.length;
        }
        return out.toByteArray();
    }

    /**
     * The first bytes at each of {@code addresses} (up to 256, never past the end of the page), read together in
     * one system call per 1024 addresses: the start of every argument of an exec usually holds the whole of it.
     *
     * @return per address what was read; empty where the read stopped at an unmapped page (a later
     *         {@link #readString} of that address says whether it is readable at all)
     */
    public byte[][] readChunks(long[] addresses) throws IOException {
        int[] lengths = new int[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            lengths[i] = (int) Math.min(CHUNK, 4096 - (addresses[i] & 4095));
        }
        byte[][] out = new byte[addresses.length][];
        for (int from = 0; from < addresses.length; from += IOV_MAX) {
            readv(addresses, lengths, from, Math.min(addresses.length, from + IOV_MAX), out);
        }
        return out;
    }

    /**
     * Writes {@code bytes} at {@code address}: process_vm_writev, or {@code /proc/PID/mem}, which also writes
     * read-only pages (a string literal in the program's text, say).
     */
    public void write(long address, byte[] bytes) throws IOException {
        try (Arena arena = Scratch.open()) {
            MemorySegment capture = Libc.capture(arena);
            MemorySegment buffer = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, buffer, JAVA_BYTE, 0, bytes.length);
            MemorySegment local = arena.allocate(16, 8);
            local.set(ADDRESS, 0, buffer);
            local.set(JAVA_LONG, 8, bytes.length);
            MemorySegment remote = arena.allocate(16, 8);
            remote.set(JAVA_LONG, 0, address);
            remote.set(JAVA_LONG, 8, bytes.length);
            long n = (long) PROCESS_VM_WRITEV.invokeExact(capture, pid, local, 1L, remote, 1L, 0L);
            if (n == bytes.length) {
                return;
            }
        } catch (Throwable t) {
            throw Libc.rethrow("process_vm_writev", t);
        }
        try (FileChannel mem = FileChannel.open(Path.of("/proc", Integer.toString(pid), "mem"), StandardOpenOption.WRITE)) {
            int n = mem.write(ByteBuffer.wrap(bytes), address);
            if (n != bytes.length) {
                throw new IOException("short write");
            }
        } catch (IOException e) {
            throw new IOException("cannot write memory of pid " + pid + " at 0x" + Long.toHexString(address) + ": "
                    + e.getMessage(), e);
        }
    }

    /** Up to {@code length} bytes at {@code address}; fewer if the read stops at an unmapped page. */
    private byte[] read(long address, int length) throws IOException {
        byte[][] out = new byte[1][];
        if (readv(new long[] {address}, new int[] {length}, 0, 1, out) >= 0) {
            return out[0];
        }
        return readProcMem(address, length);
    }

    /**
     * One process_vm_readv of {@code lengths[i]} bytes at {@code addresses[i]} for each i from {@code from} to
     * {@code to}, into {@code out[i]}. Transfers happen in order and stop at the first page that cannot be read,
     * so the entries after it come back short or empty.
     *
     * @return the bytes read, or -1 if the call failed outright (all entries empty then)
     */
    private long readv(long[] addresses, int[] lengths, int from, int to, byte[][] out) throws IOException {
        int count = to - from;
        long total = 0;
        for (int i = from; i < to; i++) {
            total += lengths[i];
        }
        try (Arena arena = Scratch.open()) {
            MemorySegment capture = Libc.capture(arena);
            MemorySegment buffer = arena.allocate(Math.max(1, total));
            MemorySegment local = arena.allocate(16, 8);
            local.set(ADDRESS, 0, buffer);
            local.set(JAVA_LONG, 8, total);
            MemorySegment remote = arena.allocate(16L * count, 8);
            for (int i = 0; i < count; i++) {
                remote.set(JAVA_LONG, 16L * i, addresses[from + i]);
                remote.set(JAVA_LONG, 16L * i + 8, lengths[from + i]);
            }
            long n = (long) PROCESS_VM_READV.invokeExact(capture, pid, local, 1L, remote, (long) count, 0L);
            long at = 0;
            for (int i = from; i < to; i++) {
                int got = (int) Math.max(0, Math.min(lengths[i], n - at));
                out[i] = buffer.asSlice(at, got).toArray(JAVA_BYTE);
                at += lengths[i];
            }
            return n;
        } catch (Throwable t) {
            throw Libc.rethrow("process_vm_readv", t);
        }
    }

    private byte[] readProcMem(long address, int length) throws IOException {
        try (FileChannel mem = FileChannel.open(Path.of("/proc", Integer.toString(pid), "mem"), StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            int n = mem.read(buffer, address);
            if (n < 0) {
                throw new IOException("pid " + pid + ": nothing readable at 0x" + Long.toHexString(address));
            }
            byte[] out = new byte[n];
            buffer.flip().get(out);
            return out;
        } catch (IOException e) {
            throw new IOException("cannot read memory of pid " + pid + " at 0x" + Long.toHexString(address) + ": "
                    + e.getMessage(), e);
        }
    }
}
