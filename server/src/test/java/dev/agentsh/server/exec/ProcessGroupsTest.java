package dev.agentsh.server.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessGroupsTest {

    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path dir;

    private Process start(String script) throws IOException {
        return Launchers.start(List.of("sh", "-c", script), ENV, dir);
    }

    @Test
    void signallingAGoneGroupIsANoOp() throws Exception {
        Process process = start("exit 0");
        process.waitFor();
        assertThatNoException().isThrownBy(() -> ProcessGroups.signal(process.pid(), ProcessGroups.SIGTERM));
    }

    @Test
    void otherErrnoIsReportedByName() throws Exception {
        Process process = start("sleep 30");
        try {
            assertThatThrownBy(() -> ProcessGroups.signal(process.pid(), 9999))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("EINVAL");
        } finally {
            ProcessGroups.signal(process.pid(), ProcessGroups.SIGKILL);
            process.waitFor();
        }
    }

    @Test
    void refusesIdsThatWouldHitTheServerOrEverything() {
        for (long pgid : new long[] {-5, 0, 1}) {
            assertThatThrownBy(() -> ProcessGroups.signal(pgid, ProcessGroups.SIGTERM))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void signalReachesEveryMemberOfTheGroup() throws Exception {
        Process process = start("sleep 30 & sleep 30 & wait");
        awaitMembers(process.pid(), 3);

        ProcessGroups.signal(process.pid(), ProcessGroups.SIGTERM);

        assertThat(process.waitFor()).isEqualTo(128 + ProcessGroups.SIGTERM);
        awaitMembers(process.pid(), 0);
    }

    @Test
    void terminateEscalatesToSigkillAfterTheGrace() throws Exception {
        // An ignored signal stays ignored across exec, so neither sh nor sleep will die of SIGTERM.
        Process process = start("trap '' TERM; sleep 30 & sleep 30 & wait");
        awaitMembers(process.pid(), 3);
        long start = System.nanoTime();

        ProcessGroups.terminate(process.pid(), Duration.ofMillis(300));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(2));
        assertThat(process.waitFor()).isEqualTo(128 + ProcessGroups.SIGKILL);
        awaitMembers(process.pid(), 0);
    }

    @Test
    void terminateDoesNotWaitOutTheGraceWhenTheLeaderDies() throws Exception {
        Process process = start("sleep 30");
        long start = System.nanoTime();

        ProcessGroups.terminate(process.pid(), Duration.ofSeconds(10));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(process.waitFor()).isEqualTo(128 + ProcessGroups.SIGTERM);
    }

    private static void awaitMembers(long pgid, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (Procfs.liveGroupMembers(pgid).size() != count) {
            assertThat(System.nanoTime()).as("group %d never had %d live members", pgid, count).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
