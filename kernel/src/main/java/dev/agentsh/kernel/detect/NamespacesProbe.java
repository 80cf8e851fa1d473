package dev.agentsh.kernel.detect;

import dev.agentsh.kernel.Namespaces;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which namespaces agentsh can create for a command (user, mount, pid, net, uts, ipc, cgroup), each tried for real
 * in a child (see {@link Namespaces} for why a child). Not one of the five scored domains: the original creates
 * none on its exec path, but agentsh's launcher uses a mount namespace for /workspace.
 */
final class NamespacesProbe implements Probe {
    @Override
    public String name() {
        return Probes.NAMESPACES;
    }

    @Override
    public ProbeResult run() throws IOException {
        Optional<Path> unshare = Namespaces.unshareTool();
        if (unshare.isEmpty()) {
            return ProbeResult.notRun(name(), "unshare(1) from util-linux is not installed");
        }
        List<String> created = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Namespaces.Kind kind : Namespaces.Kind.values()) {
            Optional<String> failure = Namespaces.tryCreate(unshare.get(), kind);
            String word = kind.option().substring(2);
            if (failure.isEmpty()) {
                created.add(word);
            } else {
                refused.add(word + " (" + failure.get() + ")");
            }
        }
        String creatable = String.join(",", created);
        if (refused.isEmpty()) {
            return ProbeResult.available(name(), creatable).with("namespaces_creatable", creatable);
        }
        return ProbeResult.unavailable(name(), "cannot create: " + String.join("; ", refused))
                .with("namespaces_creatable", creatable);
    }
}
