package dev.agentsh.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcessRootTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    @ParameterizedTest
    @CsvSource({
            "/usr/bin/true, /usr/bin/true",
            "/, /",
            "//usr///bin/, /usr/bin",
            "/usr/./bin/., /usr/bin",
            "/usr/lib/../bin/true, /usr/bin/true",
            "/.., /",
            "/../../usr/bin, /usr/bin",
            "/usr/.., /",
            "/a/b/../../c, /c",
            "/a/..b/.c/..., /a/..b/.c/...",
    })
    void normalizesLexically(String path, String expected) {
        assertThat(ProcessRoot.normalize(path)).isEqualTo(expected);
    }

    @Test
    void resolvesPathsWithAndWithoutSymlinksAsTheKernelDoes(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("real/bin"));
        Path tool = Files.writeString(bin.resolve("tool"), "");
        Files.createSymbolicLink(dir.resolve("linked"), dir.resolve("real"));
        Files.createSymbolicLink(bin.resolve("alias"), Path.of("tool"));
        Files.createDirectories(dir.resolve("real/lib"));
        Files.createSymbolicLink(dir.resolve("to-proc"), Path.of("/proc/self"));
        Path top = Files.writeString(dir.resolve("real/top"), "");
        Files.createSymbolicLink(dir.resolve("deep"), bin);
        String d = dir.toRealPath().toString();
        String canonical = tool.toRealPath().toString();

        try (ProcessRoot root = ProcessRoot.of(SELF)) {
            assertThat(root.resolve(d + "/real/bin/tool")).isEqualTo(new ProcFs.Resolved(canonical, true));
            assertThat(root.resolve(d + "/real/lib/../bin/./tool")).isEqualTo(new ProcFs.Resolved(canonical, true));
            assertThat(root.resolve(d + "/linked/bin/tool")).as("a symlinked directory")
                    .isEqualTo(new ProcFs.Resolved(canonical, true));
            assertThat(root.resolve(d + "/real/bin/alias")).as("a symlinked file")
                    .isEqualTo(new ProcFs.Resolved(canonical, true));
            // Through a symlink, .. leaves its target, where the lexical form would stay beside the link.
            assertThat(root.resolve(d + "/deep/../top"))
                    .isEqualTo(new ProcFs.Resolved(top.toRealPath().toString(), true));
            assertThat(root.resolve(d + "/real/bin/missing"))
                    .isEqualTo(new ProcFs.Resolved(d + "/real/bin/missing", false));
            assertThat(root.resolve(d + "/linked/missing/x").exists()).isFalse();
            assertThat(root.resolve("/proc/self/exe")).as("magic links take the slow way").isNull();
            assertThat(root.resolve(d + "/to-proc/exe")).isNull();
            assertThat(root.resolve(d + "/../" + dir.getFileName() + "/../../../proc/self/exe")).isNull();
        } finally {
            Files.delete(dir.resolve("to-proc"));   // JUnit would warn of a link out of its directory
        }
    }
}
