package dev.agentsh.kernel.detect;

import dev.agentsh.kernel.Cgroups;
import dev.agentsh.kernel.KernelException;
import dev.agentsh.kernel.ProcSelf;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * cgroup v2 resource limits: whether cpu, memory and pids can be set for a command's cgroup. Read-only except for
 * one scratch child cgroup, made and removed at once, to tell "can create cgroups" from "cannot".
 *
 * <p>Modes, as in the original: {@code nested} (the controllers are enabled below agentsh's own cgroup, or it
 * may enable them there), {@code top-level} (agentsh may enable them at the root of the v2 tree),
 * {@code attach-only} (cgroups can be made, which eBPF hooks need, but they would limit nothing) and
 * {@code unavailable}. Unlike the original this never moves the calling process into a leaf to find out: a
 * detector must not rearrange the host's cgroups.
 */
final class CgroupsProbe implements Probe {
    private static final List<String> LIMITS = List.of("cpu", "memory", "pids");

    private final Path root;

    CgroupsProbe() {
        this(Cgroups.ROOT);
    }

    CgroupsProbe(Path root) {
        this.root = root;
    }

    @Override
    public String name() {
        return Probes.CGROUPS_V2;
    }

    @Override
    public ProbeResult run() throws IOException {
        List<Path> mounts = ProcSelf.cgroup2Mounts();
        Cgroups.Layout layout;
        try {
            layout = Cgroups.layout(root, mounts);
        } catch (KernelException e) {
            return result(false, "unavailable", e.getMessage(), "", false, "none");
        }
        String layoutWord = layout.name().toLowerCase(java.util.Locale.ROOT);
        Optional<Path> tree = Cgroups.unifiedMount(layout, root, mounts);
        Optional<String> ownPath = ProcSelf.unifiedCgroup();
        if (tree.isEmpty() || ownPath.isEmpty()) {
            String why = layout == Cgroups.Layout.NONE ? "no cgroup filesystem at " + root : "cgroup v1 only: no cgroup2 tree under " + root;
            return result(false, "unavailable", why, "", false, layoutWord);
        }
        Path own = tree.get().resolve(ownPath.get().substring(1));
        Set<String> controllers = Cgroups.controllers(own);
        boolean io = controllers.contains("io");
        List<String> missing = new ArrayList<>(LIMITS.stream().filter(c -> !controllers.contains(c)).toList());
        if (!missing.isEmpty()) {
            String why = (layout == Cgroups.Layout.HYBRID
                    ? "hybrid cgroup v1/v2: " + String.join(", ", missing) + " are bound to v1 hierarchies; the cgroup2 tree at " + tree.get()
                    : "the cgroup2 tree at " + own)
                    + " offers " + (controllers.isEmpty() ? "no controllers" : String.join(", ", controllers));
            boolean canCreate = canCreateChild(own);
            return result(false, canCreate ? "attach-only" : "unavailable", why, ownPath.get(), io, layoutWord);
        }
        Set<String> delegated = Cgroups.subtreeControl(own);
        if (delegated.containsAll(LIMITS)) {
            return result(true, "nested", "cpu, memory, pids enabled for children of " + ownPath.get(), ownPath.get(), io, layoutWord);
        }
        if (java.nio.file.Files.isWritable(own.resolve("cgroup.subtree_control"))) {
            String note = !own.equals(tree.get()) && Cgroups.hasProcesses(own)
                    ? " (its processes must first move to a leaf cgroup)" : "";
            return result(true, "nested", "cpu, memory, pids can be enabled in " + ownPath.get() + note, ownPath.get(), io, layoutWord);
        }
        if (java.nio.file.Files.isWritable(tree.get().resolve("cgroup.subtree_control"))) {
            return result(true, "top-level", "cpu, memory, pids can be enabled at the root of " + tree.get(), ownPath.get(), io, layoutWord);
        }
        return result(false, canCreateChild(own) ? "attach-only" : "unavailable",
                "cpu, memory, pids are available in " + ownPath.get() + " but agentsh may not enable them", ownPath.get(), io, layoutWord);
    }

    private static boolean canCreateChild(Path dir) {
        try {
            Cgroups.createAndRemoveChild(dir, "agentsh-detect-" + ProcessHandle.current().pid());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private ProbeResult result(boolean available, String mode, String reason, String own, boolean io, String layout) {
        ProbeResult r = available ? ProbeResult.available(name(), mode) : ProbeResult.unavailable(name(), mode + ": " + reason);
        return r.with("cgroups_v2_mode", mode)
                .with("cgroups_v2_reason", reason)
                .with("cgroups_v2_own_cgroup", own)
                .with("cgroups_v2_io_available", io)
                .with("cgroups_layout", layout);
    }
}
