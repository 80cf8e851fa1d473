package dev.agentsh.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The arena of one system call's short-lived arguments, over a block of native memory each thread keeps and
 * reuses: the execve supervisor makes a dozen such calls per exec, and a fresh confined arena for each (a malloc,
 * a free and a session apiece) showed in its time per exec.
 *
 * <p>Use it like {@link Arena#ofConfined()}, in try-with-resources, and copy out what must outlive it: closing
 * returns the memory for reuse (it stays mapped, so a segment used after close is not caught). Nested use is
 * fine: each arena starts where the enclosing one got to. Memory is zeroed when allocated; what does not fit the
 * block comes from a confined arena of its own.
 */
public final class Scratch implements Arena {
    private static final long BLOCK = 16 * 1024;
    private static final ThreadLocal<Block> BLOCKS = ThreadLocal.withInitial(Block::new);

    private static final class Block {
        final MemorySegment memory = Arena.ofAuto().allocate(BLOCK, 16);
        long top;
    }

    private final Block block;
    private final long start;
    private Arena overflow;

    private Scratch(Block block) {
        this.block = block;
        this.start = block.top;
    }

    public static Arena open() {
        return new Scratch(BLOCKS.get());
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        long at = (block.top + byteAlignment - 1) & -byteAlignment;
        if (byteAlignment > 16 || at + byteSize > BLOCK) {
            if (overflow == null) {
                overflow = Arena.ofConfined();
            }
            return overflow.allocate(byteSize, byteAlignment);
        }
        block.top = at + byteSize;
        return block.memory.asSlice(at, byteSize).fill((byte) 0);
    }

    @Override
    public MemorySegment.Scope scope() {
        return block.memory.scope();
    }

    @Override
    public void close() {
        block.top = start;
        if (overflow != null) {
            overflow.close();
        }
    }
}
