package dev.agentsh.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {
    @Test
    void setsMatchProcStatus() throws Exception {
        Capabilities caps = Capabilities.ofThisProcess();
        assertThat(caps.effective()).isEqualTo(KernelFacts.statusCaps("CapEff"));
        assertThat(caps.permitted()).isEqualTo(KernelFacts.statusCaps("CapPrm"));
        assertThat(caps.inheritable()).isEqualTo(KernelFacts.statusCaps("CapInh"));
        assertThat(caps.bounding()).isEqualTo(KernelFacts.statusCaps("CapBnd"));
        assertThat(caps.lastCap()).isEqualTo(Integer.parseInt(PseudoFiles.read(Path.of("/proc/sys/kernel/cap_last_cap")).strip()));
    }

    @Test
    void fullSetCoversEveryKnownCapability() {
        assertThat(new Capabilities(0, 0, 0, 0, 40).fullSet()).isEqualTo((1L << 41) - 1);
        assertThat(new Capabilities(0, 0, 0, 0, 63).fullSet()).isEqualTo(-1L);
    }

    @Test
    void pseudoFilesAreReadToTheEnd() throws Exception {
        // Files.readString returned "4" here for a file holding "40"; the reader must not.
        assertThat(PseudoFiles.read(Path.of("/proc/self/status"))).contains("CapBnd:");
    }
}
