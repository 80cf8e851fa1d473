package dev.agentsh.server.seccomp;

import dev.agentsh.kernel.Errno;
import dev.agentsh.kernel.Pidfd;
import dev.agentsh.kernel.ProcFs;
import dev.agentsh.kernel.Syscalls;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exec depth of each process of one command tree, from the real process tree.
 *
 * <p>The command itself is depth 0. A process that has exec'd has a depth; a process that has not inherits
 * "one more than its nearest exec'd ancestor" when it execs. A process that execs again (the in-place exec of
 * {@code sh -c 'curl x'}) goes one deeper, so it counts as nested. A process whose parent chain reaches no known
 * process (it was reparented after its parent died, say) counts as nested, never as direct. Entries are keyed by
 * pid and birth, so a reused pid is not mistaken for the process that had it before.
 *
 * <p>A process's parent and birth come from a pidfd where the kernel has {@code PIDFD_GET_INFO} (the birth is then
 * its pidfs inode number), else from {@code /proc/PID/stat} (the birth is then its start time). Either way a
 * younger process has a larger birth.
 */
final class ProcessLineage {
    /** The launcher before its exec; its first exec is the command, at depth 0. */
    private static final int LAUNCHER = -1;
    /** Parent chains are short; a longer one means something is wrong and the process counts as nested. */
    private static final int MAX_ANCESTORS = 256;
    /** A busy tree (a build) execs thousands of short-lived processes; forget the dead now and then. */
    private static final int PRUNE_ABOVE = 4096;
    private static final int SIGNAL_NONE = 0;

    private record Known(long birth, int depth) {
    }

    /** A process's parent, and its birth (see the class comment). */
    private record Node(int parentPid, long birth) {
    }

    private final Map<Integer, Known> processes = new ConcurrentHashMap<>();
    private final int pruneAtLeast;
    /** Raised when many processes are alive, so that a large tree is not swept at every exec. */
    private volatile int pruneAbove;

    ProcessLineage(int launcherPid) throws IOException {
        this(launcherPid, PRUNE_ABOVE);
    }

    ProcessLineage(int launcherPid, int pruneAbove) throws IOException {
        this.pruneAtLeast = pruneAbove;
        this.pruneAbove = pruneAbove;
        processes.put(launcherPid, new Known(node(launcherPid).birth(), LAUNCHER));
    }

    /**
     * Where an exec by a process happens: its depth and its parent. Until closed it holds the process's pidfd, so
     * that its birth, which a child of a known process does not need for the decision, is read after the answer
     * (the process may be gone by then).
     */
    static final class Position implements AutoCloseable {
        private static final long UNREAD = Long.MIN_VALUE;

        private final int pid;
        private final int parentPid;
        private final Pidfd pidfd;
        private long birth;
        private int depth;

        private Position(int pid, int parentPid, Pidfd pidfd, long birth) {
            this.pid = pid;
            this.parentPid = parentPid;
            this.pidfd = pidfd;
            this.birth = birth;
        }

        int depth() {
            return depth;
        }

        int parentPid() {
            return parentPid;
        }

        private long birth() throws IOException {
            if (birth == UNREAD) {
                birth = pidfd.identity();
            }
            return birth;
        }

        /** This position with its birth read, holding nothing: for a decision that outlives the call's handling. */
        Position settled() throws IOException {
            Position p = new Position(pid, parentPid, null, birth());
            p.depth = depth;
            return p;
        }

        @Override
        public void close() {
            if (pidfd != null) {
                pidfd.close();
            }
        }
    }

    /** @throws IOException if the process is gone */
    Position positionOf(int pid) throws IOException {
        Position self;
        if (Pidfd.supported()) {
            Pidfd pidfd = Pidfd.open(pid);
            try {
                self = new Position(pid, pidfd.parentPid(), pidfd, Position.UNREAD);
            } catch (IOException | RuntimeException e) {
                pidfd.close();
                throw e;
            }
        } else {
            ProcFs.Stat stat = ProcFs.stat(pid);
            self = new Position(pid, stat.parentPid(), null, stat.startTime());
        }
        try {
            self.depth = depthOf(self);
            return self;
        } catch (IOException | RuntimeException e) {
            self.close();
            throw e;
        }
    }

    private int depthOf(Position self) throws IOException {
        Known known = processes.get(self.pid);
        if (known != null && known.birth() == self.birth()) {
            return known.depth() + 1;
        }
        // The common case, a child of a process that exec'd, without reading the parent: the parent is alive (it
        // is the parent now); if its pid was reused after the process recorded under it died, the stale entry
        // still gives a nested depth.
        Known parent = processes.get(self.parentPid);
        if (parent != null) {
            return Math.max(parent.depth(), 0) + 1;
        }
        int ancestor = self.parentPid;
        for (int step = 0; step < MAX_ANCESTORS && ancestor > 1; step++) {
            Node node;
            try {
                node = node(ancestor);
            } catch (IOException gone) {
                break;
            }
            Known a = processes.get(ancestor);
            if (a != null && a.birth() == node.birth()) {
                return Math.max(a.depth(), 0) + 1;
            }
            ancestor = node.parentPid();
        }
        return 1;
    }

    /** Records that the process now runs a program exec'd at the position's depth. */
    void executed(Position position) throws IOException {
        record(position, position.depth());
    }

    /** Records that the process was redirected: the substitute's exec, from the same process, counts at its depth. */
    void redirected(Position position) throws IOException {
        record(position, position.depth() - 1);
    }

    private void record(Position position, int depth) throws IOException {
        processes.put(position.pid, new Known(position.birth(), depth));
        if (processes.size() > pruneAbove) {
            // kill(pid, 0) tells a pid that is gone without a descriptor or an exception per entry. A pid that is
            // alive may belong to another process by now; its entry stays, and the birth check tells them apart.
            processes.keySet().removeIf(pid -> Syscalls.call(Syscalls.KILL, pid, SIGNAL_NONE) == -Errno.ESRCH);
            pruneAbove = Math.max(pruneAtLeast, 2 * processes.size());
        }
    }

    /** Whether {@code pid} is recorded (dead processes are forgotten only when the lineage sweeps). */
    boolean knows(int pid) {
        return processes.containsKey(pid);
    }

    private static Node node(int pid) throws IOException {
        if (Pidfd.supported()) {
            try (Pidfd pidfd = Pidfd.open(pid)) {
                return new Node(pidfd.parentPid(), pidfd.identity());
            }
        }
        ProcFs.Stat stat = ProcFs.stat(pid);
        return new Node(stat.parentPid(), stat.startTime());
    }
}
