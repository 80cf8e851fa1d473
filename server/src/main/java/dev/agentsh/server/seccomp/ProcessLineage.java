package dev.agentsh.server.seccomp;

import dev.agentsh.kernel.Pidfd;
import dev.agentsh.kernel.ProcFs;
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

    private record Known(long birth, int depth) {
    }

    /** A process's parent, and its birth (see the class comment). */
    private record Node(int parentPid, long birth) {
    }

    private final Map<Integer, Known> processes = new ConcurrentHashMap<>();

    ProcessLineage(int launcherPid) throws IOException {
        processes.put(launcherPid, new Known(node(launcherPid).birth(), LAUNCHER));
    }

    /** The depth an exec by {@code pid} happens at; also its parent's pid and its own birth. */
    record Position(int depth, int parentPid, long birth) {
    }

    /** @throws IOException if the process is gone */
    Position positionOf(int pid) throws IOException {
        Node self = node(pid);
        Known known = processes.get(pid);
        if (known != null && known.birth() == self.birth()) {
            return new Position(known.depth() + 1, self.parentPid(), self.birth());
        }
        Known parent = processes.get(self.parentPid());
        if (parent != null && parent.birth() <= self.birth()) {
            // The common case, a child of a process that exec'd, without reading the parent: the parent is alive
            // (it is the parent now), and a reused pid whose entry went stale would still give a nested depth.
            return new Position(Math.max(parent.depth(), 0) + 1, self.parentPid(), self.birth());
        }
        int ancestor = self.parentPid();
        for (int step = 0; step < MAX_ANCESTORS && ancestor > 1; step++) {
            Node node;
            try {
                node = node(ancestor);
            } catch (IOException gone) {
                break;
            }
            Known a = processes.get(ancestor);
            if (a != null && a.birth() == node.birth()) {
                return new Position(Math.max(a.depth(), 0) + 1, self.parentPid(), self.birth());
            }
            ancestor = node.parentPid();
        }
        return new Position(1, self.parentPid(), self.birth());
    }

    /** Records that {@code pid}, at {@code position}, now runs a program exec'd at the position's depth. */
    void executed(int pid, Position position) {
        processes.put(pid, new Known(position.birth(), position.depth()));
        if (processes.size() > PRUNE_ABOVE) {
            processes.entrySet().removeIf(e -> !isAlive(e.getKey(), e.getValue()));
        }
    }

    private static boolean isAlive(int pid, Known known) {
        try {
            return node(pid).birth() == known.birth();
        } catch (IOException gone) {
            return false;
        }
    }

    private static Node node(int pid) throws IOException {
        if (Pidfd.supported()) {
            Pidfd.Info info = Pidfd.info(pid);
            return new Node(info.parentPid(), info.identity());
        }
        ProcFs.Stat stat = ProcFs.stat(pid);
        return new Node(stat.parentPid(), stat.startTime());
    }
}
