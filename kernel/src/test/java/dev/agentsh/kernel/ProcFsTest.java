package dev.agentsh.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFsTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void resolvesSymlinksDotsAndRelativeTargetsAsTheProcessWould() throws Exception {
        Path real = dir.toRealPath();
        Files.createDirectories(real.resolve("a/b"));
        Files.writeString(real.resolve("a/b/tool"), "x");
        Files.createSymbolicLink(real.resolve("link-to-b"), Path.of("a/b"));
        Files.createSymbolicLink(real.resolve("a/abs"), real.resolve("a/b/tool"));

        assertThat(ProcFs.canonical(SELF, real + "/link-to-b/./tool")).isEqualTo(new ProcFs.Resolved(real + "/a/b/tool", true));
        assertThat(ProcFs.canonical(SELF, real + "/a/b/../abs")).isEqualTo(new ProcFs.Resolved(real + "/a/b/tool", true));
        // ".." after a symlink climbs from where the link points (a/b), not from where the link is.
        assertThat(ProcFs.canonical(SELF, real + "/link-to-b/../../../" + real.getFileName() + "/a/b/tool").path())
                .isEqualTo(real + "/a/b/tool");
    }

    @Test
    void aMissingComponentEndsResolutionAndSaysSo() throws Exception {
        Path real = dir.toRealPath();
        assertThat(ProcFs.canonical(SELF, real + "/missing/../x")).isEqualTo(new ProcFs.Resolved(real + "/x", false));
        assertThat(ProcFs.canonical(SELF, real + "/missing/deeper").exists()).isFalse();
    }

    @Test
    void procSelfNamesTheProcessNotTheCaller() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            int pid = (int) sleeper.pid();
            // Resolved for the sleeper, /proc/self/exe is sleep, not this JVM's java.
            assertThat(ProcFs.canonical(pid, "/proc/self/exe").path()).endsWith("/sleep");
            assertThat(ProcFs.stat(pid).parentPid()).isEqualTo(SELF);
            assertThat(ProcFs.link(pid, "cwd")).isEqualTo(Path.of("").toAbsolutePath().toString());
        } finally {
            sleeper.destroyForcibly();
            sleeper.waitFor();
        }
    }

    @Test
    void symlinkLoopsAreRefused() throws Exception {
        Path real = dir.toRealPath();
        Files.createSymbolicLink(real.resolve("loop"), real.resolve("loop"));
        assertThatThrownBy(() -> ProcFs.canonical(SELF, real + "/loop")).isInstanceOf(IOException.class)
                .hasMessageContaining("too many levels of symbolic links");
    }

    @Test
    void statOfAProcessThatIsGoneFails() {
        assertThatThrownBy(() -> ProcFs.stat(Integer.MAX_VALUE)).isInstanceOf(IOException.class);
    }
}
