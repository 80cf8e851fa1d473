package dev.agentsh.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class BpfTest {
    @Test
    void canaryLoadsWithCapBpf() throws IOException {
        long eff = KernelFacts.statusCaps("CapEff");
        assumeTrue((eff & (1L << Capabilities.CAP_BPF | 1L << Capabilities.CAP_SYS_ADMIN)) != 0,
                "needs CAP_BPF or CAP_SYS_ADMIN to load a program");
        Bpf.loadCanary();
    }
}
