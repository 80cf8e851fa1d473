package dev.agentsh.kernel.detect;

import dev.agentsh.kernel.Fuse;
import dev.agentsh.kernel.KernelException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * FUSE: /dev/fuse opens read-write, and a mount can be made, either through the setuid helper
 * ({@code fusermount3}/{@code fusermount} on PATH) or directly with the new mount API ({@code fsopen("fuse")},
 * which needs CAP_SYS_ADMIN and is what a root server uses when fuse3 is not installed).
 */
final class FuseProbe implements Probe {
    private final Path device;
    private final String searchPath;

    FuseProbe() {
        this(Fuse.DEVICE, System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    /** @param searchPath a PATH value to look for fusermount in */
    FuseProbe(Path device, String searchPath) {
        this.device = device;
        this.searchPath = searchPath;
    }

    @Override
    public String name() {
        return Probes.FUSE;
    }

    @Override
    public ProbeResult run() {
        try {
            Fuse.openDevice(device);
        } catch (KernelException e) {
            return ProbeResult.unavailable(name(), e.getMessage()).with("fuse_mount_method", "none");
        }
        Optional<Path> helper = onPath("fusermount3").or(() -> onPath("fusermount"));
        if (helper.isPresent()) {
            return ProbeResult.available(name(), "fusermount").with("fuse_mount_method", "fusermount")
                    .with("fuse_mount_helper", helper.get().toString());
        }
        try {
            Fuse.openFilesystemContext();
            return ProbeResult.available(name(), "new-api").with("fuse_mount_method", "new-api");
        } catch (KernelException e) {
            return ProbeResult.unavailable(name(), device + " opens, but there is no fusermount3/fusermount on PATH and "
                    + e.getMessage()).with("fuse_mount_method", "none");
        }
    }

    private Optional<Path> onPath(String program) {
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.of(Path.of(dir, program));
            }
        }
        return Optional.empty();
    }
}
