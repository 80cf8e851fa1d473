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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLauncherTest {

    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path dir;

    @Test
    void childLeadsItsOwnSessionAndProcessGroup() throws Exception {
        Process process = Launchers.start(List.of("sleep", "30"), ENV, dir);
        try {
            String[] stat = Procfs.statAfterComm(process.pid());
            long self = ProcessHandle.current().pid();
            assertThat(Long.parseLong(stat[1])).as("ppid: the launcher exec'd the command in place").isEqualTo(self);
            assertThat(Long.parseLong(stat[2])).as("pgrp").isEqualTo(process.pid());
            assertThat(Long.parseLong(stat[3])).as("session").isEqualTo(process.pid());
        } finally {
            ProcessGroups.signal(process.pid(), ProcessGroups.SIGKILL);
            process.waitFor();
        }
    }

    @Test
    void environmentIsExactlyTheGivenOne() throws Exception {
        Process process = Launchers.start(List.of("env"), Map.of("PATH", "/usr/bin:/bin", "FOO", "bar baz"), dir);
        String out = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor()).isZero();
        assertThat(out.lines()).containsExactlyInAnyOrder("PATH=/usr/bin:/bin", "FOO=bar baz");
    }

    @Test
    void workingDirectoryIsHonoured() throws Exception {
        Process process = Launchers.start(List.of("pwd"), ENV, dir);
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

        Process process = Launchers.start(List.of("agentsh-test-tool"), Map.of("PATH", bin + ":/usr/bin:/bin"), dir);
        assertThat(new String(process.getInputStream().readAllBytes(), UTF_8)).isEqualTo("tool ran\n");
        assertThat(process.waitFor()).isZero();

        assertThatThrownBy(() -> Launchers.start(List.of("agentsh-test-tool"), ENV, dir))
                .isInstanceOf(IOException.class)
                .hasMessage("no such file or directory: agentsh-test-tool");
    }

    @Test
    void missingProgramIsAStartFailureNotTheLaunchersExit127() {
        assertThatThrownBy(() -> Launchers.start(List.of("no-such-program-agentsh"), ENV, dir))
                .isInstanceOf(IOException.class)
                .hasMessage("no such file or directory: no-such-program-agentsh");
        assertThatThrownBy(() -> Launchers.start(List.of("./missing.sh"), ENV, dir))
                .hasMessage("no such file or directory: ./missing.sh");
    }

    @Test
    void nonExecutableProgramIsPermissionDenied() throws Exception {
        Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(dir.resolve("script.sh"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Launchers.start(List.of("./script.sh"), ENV, dir))
                .isInstanceOf(IOException.class)
                .hasMessage("permission denied: ./script.sh");
    }

    @Test
    void missingWorkingDirectoryIsAStartFailure() {
        Path missing = dir.resolve("gone");
        assertThatThrownBy(() -> Launchers.start(List.of("true"), ENV, missing))
                .isInstanceOf(IOException.class)
                .hasMessage("no such file or directory: " + missing);
    }

    @Test
    void workspaceIsBoundAtSlashWorkspaceForTheWholeTreeAndOnlyForIt() throws Exception {
        WorkspaceMounts.Support support = WorkspaceMounts.probe(Launchers.nativeLauncher(), dir);
        abortUnless(support);
        Path workspace = Files.createDirectories(dir.resolve("project/sub"));
        Files.writeString(dir.resolve("project/note.txt"), "from the workspace\n");
        // Nested: the grandchild opens the absolute path itself, which no path translation could reach.
        Process process = Launchers.nativeLauncher().start(new ProcessLauncher.Launch(
                List.of("sh", "-c", "sh -c 'cat /workspace/note.txt; pwd; touch /workspace/made-inside'; :"), ENV,
                workspace, new ProcessLauncher.WorkspaceBind(dir.resolve("project"), "/workspace/sub"), null, null));
        String out = new String(process.getInputStream().readAllBytes(), UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor()).as(err).isZero();
        assertThat(out).isEqualTo("from the workspace\n/workspace/sub\n");
        assertThat(dir.resolve("project/made-inside")).exists();
        assertThat(WorkspaceMounts.MOUNT_POINT.resolve("note.txt")).as("the host's /workspace is untouched")
                .doesNotExist();
        assertThat(WorkspaceMounts.MOUNT_POINT.resolve("made-inside")).doesNotExist();
    }

    @Test
    void aWorkspaceThatCannotBeBoundStopsTheLaunchWithTheReason() throws Exception {
        abortUnless(WorkspaceMounts.probe(Launchers.nativeLauncher(), dir));
        Process process = Launchers.nativeLauncher().start(new ProcessLauncher.Launch(List.of("true"), ENV, dir,
                new ProcessLauncher.WorkspaceBind(dir.resolve("absent"), "/workspace"), null, null));
        String err = new String(process.getErrorStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor()).isEqualTo(127);
        assertThat(err).startsWith("agentsh-launch: bind " + dir.resolve("absent") + " on /workspace: ");
    }

    @Test
    void terminalBecomesStdioAndTheControllingTerminal() throws Exception {
        try (Pty pty = Pty.open(33, 101)) {
            // /dev/tty opens only for a process whose controlling terminal is set; stty reads the size.
            Process process = Launchers.nativeLauncher().start(new ProcessLauncher.Launch(
                    List.of("sh", "-c", "test -t 0 && test -t 1 && stty size && echo ctty > /dev/tty"), ENV, dir, null,
                    pty.terminal(), null));
            StringBuilder seen = new StringBuilder();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = pty.read(buffer, 5000)) > 0) {
                seen.append(new String(buffer, 0, n, UTF_8));
            }
            assertThat(process.waitFor()).as(seen.toString()).isZero();
            assertThat(seen.toString().replace("\r", "")).isEqualTo("33 101\nctty\n");
        }
    }

    /** Skips (ReportSkips prints why) where the kernel or the server's rights do not allow a workspace bind. */
    static void abortUnless(WorkspaceMounts.Support support) {
        Assumptions.assumeTrue(support.available(), "workspace bind unavailable: " + support.reason());
    }
}
