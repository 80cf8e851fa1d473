package dev.agentsh.kernel;

import java.io.IOException;
import java.nio.file.Path;

/** What the tests compare the FFM bindings against: the kernel's own text views in /proc. */
final class KernelFacts {
    private KernelFacts() {
    }

    /** A {@code CapXxx:} line of /proc/self/status as a number. */
    static long statusCaps(String field) throws IOException {
        return PseudoFiles.read(Path.of("/proc/self/status")).lines()
                .filter(l -> l.startsWith(field + ":"))
                .map(l -> Long.parseUnsignedLong(l.substring(field.length() + 1).strip(), 16))
                .findFirst().orElseThrow();
    }

    static boolean root() throws IOException {
        return (statusCaps("CapEff") & (1L << Capabilities.CAP_SYS_ADMIN)) != 0;
    }
}
