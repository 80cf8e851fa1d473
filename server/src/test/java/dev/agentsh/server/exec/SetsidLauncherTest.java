package dev.agentsh.server.exec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetsidLauncherTest {

    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path dir;

    private final SetsidLauncher launcher = new SetsidLauncher();

    @Test
    void childLeadsItsOwnSessionAndProcessGroup() throws Exception {
        Process process = launcher.start(List.of("sleep", "30"), ENV, dir);
        try {
            String[] stat = Procfs.statAfterComm(process.pid());
            long self = ProcessHandle.current().pid();
            assertThat(Long.parseLong(stat[1])).as("ppid: setsid exec'd in place").isEqualTo(self);
            assertThat(Long.parseLong(stat[2])).as("pgrp").isEqualTo(process.pid());
            assertThat(Long.parseLong(stat[3])).as("session").isEqualTo(process.pid());
        } finally {
            ProcessGroups.signal(process.pid(), ProcessGroups.SIGKILL);
            process.waitFor();
        }
    }

    @Test
    void environmentIsExactlyTheGivenOne() throws Exception {
        Process process = launcher.start(List.of("env"), Map.of("PATH", "/usr/bin:/bin", "FOO", "bar baz"), dir);
        String out = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor()).isZero();
        assertThat(out.lines()).containsExactlyInAnyOrder("PATH=/usr/bin:/bin", "FOO=bar baz");
    }

    @Test
    void workingDirectoryIsHonoured() throws Exception {
        Process process = launcher.start(List.of("pwd"), ENV, dir);
        String out = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor()).isZero();
        assertThat(out).isEqualTo(dir.toRealPath() + "\n");
    }

    @Test
    void programIsLookedUpOnTheCommandsPathNotTheServers() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path tool = bin.resolve("agentsh-test-tool");
        Files.writeString(tool, "#!/bin/sh\necho tool ran\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));

        Process process = launcher.start(List.of("agentsh-test-tool"), Map.of("PATH", bin + ":/usr/bin:/bin"), dir);
        assertThat(new String(process.getInputStream().readAllBytes(), UTF_8)).isEqualTo("tool ran\n");
        assertThat(process.waitFor()).isZero();

        assertThatThrownBy(() -> launcher.start(List.of("agentsh-test-tool"), ENV, dir))
                .isInstanceOf(IOException.class)
                .hasMessage("no such file or directory: agentsh-test-tool");
    }

    @Test
    void missingProgramIsAStartFailureNotSetsidsExit127() {
        assertThatThrownBy(() -> launcher.start(List.of("no-such-program-agentsh"), ENV, dir))
                .isInstanceOf(IOException.class)
                .hasMessage("no such file or directory: no-such-program-agentsh");
        assertThatThrownBy(() -> launcher.start(List.of("./missing.sh"), ENV, dir))
                .hasMessage("no such file or directory: ./missing.sh");
    }

    @Test
    void nonExecutableProgramIsPermissionDenied() throws Exception {
        Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(dir.resolve("script.sh"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> launcher.start(List.of("./script.sh"), ENV, dir))
                .isInstanceOf(IOException.class)
                .hasMessage("permission denied: ./script.sh");
    }

    @Test
    void missingWorkingDirectoryIsAStartFailure() {
        Path missing = dir.resolve("gone");
        assertThatThrownBy(() -> launcher.start(List.of("true"), ENV, missing))
                .isInstanceOf(IOException.class)
                .hasMessage("no such file or directory: " + missing);
    }
}
