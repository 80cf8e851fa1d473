package dev.agentsh.kernel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What /proc/self says about this process: its pid in each nested PID namespace and its cgroups. */
public final class ProcSelf {
    private ProcSelf() {
    }

    /**
     * The {@code NSpid:} line of /proc/self/status: this process's pid as seen from the outermost PID namespace
     * down to its own. More than one entry means agentsh runs inside a PID namespace (a container).
     */
    public static List<Long> namespacePids() throws IOException {
        return PseudoFiles.read(Path.of("/proc/self/status")).lines()
                .filter(l -> l.startsWith("NSpid:"))
                .findFirst()
                .map(l -> Arrays.stream(l.substring("NSpid:".length()).trim().split("\\s+")).map(Long::parseLong).toList())
                // Kernels before 4.1 have no NSpid line; they also cannot tell, so say one level.
                .orElse(List.of(ProcessHandle.current().pid()));
    }

    /** The cgroup v2 path of this process (the {@code 0::} line of /proc/self/cgroup), if it has one. */
    public static Optional<String> unifiedCgroup() throws IOException {
        return PseudoFiles.read(Path.of("/proc/self/cgroup")).lines()
                .filter(l -> l.startsWith("0::"))
                .map(l -> l.substring(3))
                .findFirst();
    }

    /** The mount points of every cgroup2 filesystem visible to this process (from /proc/self/mountinfo). */
    public static List<Path> cgroup2Mounts() throws IOException {
        // mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
        return PseudoFiles.read(Path.of("/proc/self/mountinfo")).lines()
                .map(l -> l.split(" "))
                .filter(f -> {
                    int dash = Arrays.asList(f).indexOf("-");
                    return dash > 0 && dash + 1 < f.length && f[dash + 1].equals("cgroup2");
                })
                .map(f -> Path.of(unescape(f[4])))
                .toList();
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
