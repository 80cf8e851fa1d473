package dev.agentsh.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The cgroup filesystem: which hierarchy a host mounts, and what a cgroup v2 directory offers. */
public final class Cgroups {
    public static final Path ROOT = Path.of("/sys/fs/cgroup");

    /** How the host mounts cgroups at {@link #ROOT}. */
    public enum Layout {
        /** cgroup2 at /sys/fs/cgroup: every controller is in the v2 tree. */
        UNIFIED,
        /** v1 hierarchies at /sys/fs/cgroup, plus a cgroup2 tree elsewhere (systemd's "unified" directory). */
        HYBRID,
        /** Only v1 hierarchies. */
        LEGACY,
        /** Nothing cgroup-like mounted at /sys/fs/cgroup. */
        NONE
    }

    private Cgroups() {
    }

    /** The layout, from the filesystem type of {@code root} (statfs) and the cgroup2 mounts this process sees. */
    public static Layout layout(Path root, List<Path> cgroup2Mounts) throws KernelException {
        long type;
        try {
            type = Statfs.filesystemType(root);
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT) {
                return Layout.NONE;
            }
            throw e;
        }
        if (type == Statfs.CGROUP2_SUPER_MAGIC) {
            return Layout.UNIFIED;
        }
        if (type != Statfs.TMPFS_MAGIC) {
            return Layout.NONE;
        }
        return cgroup2Mounts.stream().anyMatch(m -> m.startsWith(root)) ? Layout.HYBRID : Layout.LEGACY;
    }

    /** The v2 tree for {@code layout}: {@code root} itself when unified, the cgroup2 mount beneath it when hybrid. */
    public static Optional<Path> unifiedMount(Layout layout, Path root, List<Path> cgroup2Mounts) {
        return switch (layout) {
            case UNIFIED -> Optional.of(root);
            case HYBRID -> cgroup2Mounts.stream().filter(m -> m.startsWith(root)).findFirst();
            case LEGACY, NONE -> Optional.empty();
        };
    }

    /** {@code cgroup.controllers}: the controllers the parent has enabled for {@code dir}. */
    public static Set<String> controllers(Path dir) throws IOException {
        return words(dir.resolve("cgroup.controllers"));
    }

    /** {@code cgroup.subtree_control}: the controllers {@code dir} has enabled for its children. */
    public static Set<String> subtreeControl(Path dir) throws IOException {
        return words(dir.resolve("cgroup.subtree_control"));
    }

    /** Whether processes live directly in {@code dir} (then v2's no-internal-processes rule blocks delegation). */
    public static boolean hasProcesses(Path dir) throws IOException {
        return !PseudoFiles.read(dir.resolve("cgroup.procs")).isBlank();
    }

    /** Makes child {@code name} of {@code dir} and removes it again: proof that agentsh may create cgroups there. */
    public static void createAndRemoveChild(Path dir, String name) throws IOException {
        Path child = dir.resolve(name);
        Files.createDirectory(child);
        Files.delete(child);
    }

    private static Set<String> words(Path file) throws IOException {
        try {
            String text = PseudoFiles.read(file).strip();
            return text.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(text.split("\\s+")));
        } catch (NoSuchFileException e) {
            return Set.of();
        }
    }
}
