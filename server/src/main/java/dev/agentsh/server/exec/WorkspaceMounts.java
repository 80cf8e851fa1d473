package dev.agentsh.server.exec;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Whether commands can see their session's workspace at a real {@code /workspace}: the launcher binds it there in a
 * mount namespace of the command's own. That needs the right to create a mount namespace and an existing
 * {@code /workspace} directory to mount on, which is created here (empty, mode 0755) when the server may.
 *
 * <p>Decided once per server by trying it, so that the answer is what the kernel actually allows. Without it, a
 * session's {@code /workspace} is only a naming layer: the server translates the paths it is given, but a command
 * that opens {@code /workspace/...} itself finds nothing there.
 */
public final class WorkspaceMounts {
    static final Path MOUNT_POINT = Path.of("/workspace");
    private static final String MARKER = ".agentsh-workspace-probe";

    /** @param reason why binding is unavailable; empty when it is available */
    public record Support(boolean available, String reason) {
    }

    private WorkspaceMounts() {
    }

    /** Tries a bind through {@code launcher}, using {@code scratch} (an existing private directory) as the workspace. */
    public static Support probe(ProcessLauncher launcher, Path scratch) {
        try {
            String problem = prepareMountPoint();
            if (problem != null) {
                return new Support(false, problem);
            }
            Path workspace = Files.createTempDirectory(scratch, "workspace-probe-");
            try {
                Files.createFile(workspace.resolve(MARKER));
                Process probe = launcher.start(new ProcessLauncher.Launch(
                        List.of("/bin/sh", "-c", "test -f " + MOUNT_POINT.resolve(MARKER)),
                        Map.of("PATH", "/usr/bin:/bin"), workspace,
                        new ProcessLauncher.WorkspaceBind(workspace, MOUNT_POINT.toString()), null, null));
                probe.getOutputStream().close();
                if (!probe.waitFor(10, TimeUnit.SECONDS)) {
                    probe.destroyForcibly();
                    return new Support(false, "the workspace bind probe did not finish within 10 s");
                }
                if (probe.exitValue() == 0) {
                    return new Support(true, "");
                }
                String said = new String(probe.getErrorStream().readAllBytes(), UTF_8).strip();
                return new Support(false, said.isEmpty() ? "the bound workspace was not visible at " + MOUNT_POINT : said);
            } finally {
                Files.deleteIfExists(workspace.resolve(MARKER));
                Files.deleteIfExists(workspace);
            }
        } catch (IOException e) {
            return new Support(false, "workspace bind probe failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Support(false, "workspace bind probe interrupted");
        }
    }

    /** Creates {@code /workspace} if it is missing; returns why it cannot be used, or null. */
    private static String prepareMountPoint() throws IOException {
        if (Files.isSymbolicLink(MOUNT_POINT)) {
            return MOUNT_POINT + " is a symlink; it must be a plain directory to bind workspaces on";
        }
        if (Files.exists(MOUNT_POINT, LinkOption.NOFOLLOW_LINKS)) {
            return Files.isDirectory(MOUNT_POINT, LinkOption.NOFOLLOW_LINKS) ? null
                    : MOUNT_POINT + " is not a directory";
        }
        try {
            Files.createDirectory(MOUNT_POINT, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
            return null;
        } catch (FileSystemException e) {
            String why = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
            return "cannot create " + MOUNT_POINT + " (" + why + "); create it as root, or run the server as root";
        }
    }
}
