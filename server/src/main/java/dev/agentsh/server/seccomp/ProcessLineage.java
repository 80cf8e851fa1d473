package dev.agentsh.server.seccomp;

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
 * pid and start time, so a reused pid is not mistaken for the process that had it before.
 */
final class ProcessLineage {
    /** The launcher before its exec; its first exec is the command, at depth 0. */
    private static final int LAUNCHER = -1;
    /** Parent chains are short; a longer one means something is wrong and the process counts as nested. */
    private static final int MAX_ANCESTORS = 256;
    /** A busy tree (a build) execs thousands of short-lived processes; forget the dead now and then. */
    private static final int PRUNE_ABOVE = 4096;

    private record Known(long startTime, int depth) {
    }

    private final Map<Integer, Known> processes = new ConcurrentHashMap<>();

    ProcessLineage(int launcherPid) throws IOException {
        processes.put(launcherPid, new Known(ProcFs.stat(launcherPid).startTime(), LAUNCHER));
    }

    /** The depth an exec by {@code pid} happens at; also its parent's pid and its own start time. */
    record Position(int depth, int parentPid, long startTime) {
    }

    Position positionOf(int pid) throws IOException {
        ProcFs.Stat self = ProcFs.stat(pid);
        Known known = processes.get(pid);
        if (known != null && known.startTime() == self.startTime()) {
            return new Position(known.depth() + 1, self.parentPid(), self.startTime());
        }
        Known parent = processes.get(self.parentPid());
        if (parent != null && parent.startTime() <= self.startTime()) {
            // The common case, a child of a process that exec'd, without reading the parent's stat: the parent is
            // alive (it is the parent now), and a reused pid whose entry went stale would still give a nested depth.
            return new Position(Math.max(parent.depth(), 0) + 1, self.parentPid(), self.startTime());
        }
        int ancestor = self.parentPid();
        for (int step = 0; step < MAX_ANCESTORS && ancestor > 1; step++) {
            ProcFs.Stat stat;
            try {
                stat = ProcFs.stat(ancestor);
            } catch (IOException gone) {
                break;
            }
            Known a = processes.get(ancestor);
            if (a != null && a.startTime() == stat.startTime()) {
                return new Position(Math.max(a.depth(), 0) + 1, self.parentPid(), self.startTime());
            }
            ancestor = stat.parentPid();
        }
        return new Position(1, self.parentPid(), self.startTime());
    }

    /** Records that {@code pid}, at {@code position}, now runs a program exec'd at the position's depth. */
    void executed(int pid, Position position) {
        processes.put(pid, new Known(position.startTime(), position.depth()));
        if (processes.size() > PRUNE_ABOVE) {
            processes.entrySet().removeIf(e -> !isAlive(e.getKey(), e.getValue()));
        }
    }

    private static boolean isAlive(int pid, Known known) {
        try {
            return ProcFs.stat(pid).startTime() == known.startTime();
        } catch (IOException gone) {
            return false;
        }
    }
}
