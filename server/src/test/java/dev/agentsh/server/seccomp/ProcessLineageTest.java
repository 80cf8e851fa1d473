package dev.agentsh.server.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessLineageTest {
    private static final int SELF = (int) ProcessHandle.current().pid();
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly().waitFor();
        }
    }

    private int sleeper() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        started.add(p);
        return (int) p.pid();
    }

    @Test
    void countsFromTheNearestExecdAncestorAndForgetsTheDeadWhenItGrows() throws Exception {
        // This JVM plays the launcher: its first exec would be the command, at depth 0.
        ProcessLineage lineage = new ProcessLineage(SELF, 3);
        int a = sleeper();
        int b = sleeper();
        try (ProcessLineage.Position position = lineage.positionOf(a)) {
            assertThat(position.depth()).as("a child of the launcher").isEqualTo(1);
            assertThat(position.parentPid()).isEqualTo(SELF);
            lineage.executed(position);
        }
        try (ProcessLineage.Position again = lineage.positionOf(a)) {
            assertThat(again.depth()).as("the same process execs again, one deeper").isEqualTo(2);
        }
        try (ProcessLineage.Position position = lineage.positionOf(b)) {
            lineage.executed(position);
        }
        Process first = started.getFirst();
        first.destroyForcibly().waitFor();

        // The fourth entry (with the launcher's) goes over the limit of 3: the dead one is swept, the live kept.
        int c = sleeper();
        try (ProcessLineage.Position position = lineage.positionOf(c)) {
            lineage.executed(position);
        }
        assertThat(lineage.knows(a)).as("gone, forgotten").isFalse();
        assertThat(lineage.knows(b)).isTrue();
        assertThat(lineage.knows(c)).isTrue();
        assertThat(lineage.knows(SELF)).isTrue();
    }
}
