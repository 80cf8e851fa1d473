package dev.agentsh.server.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisorSocketTest {
    @TempDir
    Path dir;

    @Test
    void socketsOfServersThatAreGoneAreRemovedAndLiveOnesKept() throws Exception {
        Path dead = Files.createFile(dir.resolve("supervisor-999999999.sock"));
        Path live = Files.createFile(dir.resolve("supervisor-" + ProcessHandle.current().pid() + ".sock"));
        Path other = Files.createFile(dir.resolve("supervisor-notes.sock"));

        try (SupervisorSocket socket = SupervisorSocket.open(dir.resolve("supervisor-new.sock"))) {
            assertThat(socket.path()).exists();
            assertThat(dead).doesNotExist();
            assertThat(live).exists();
            assertThat(other).as("not named by a pid: left alone").exists();
        }
        assertThat(dir.resolve("supervisor-new.sock")).as("removed on close").doesNotExist();
    }
}
