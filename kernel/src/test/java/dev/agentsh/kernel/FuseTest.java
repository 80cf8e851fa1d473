package dev.agentsh.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FuseTest {
    @Test
    void deviceOpensReadWrite() throws KernelException {
        assumeTrue(Files.exists(Fuse.DEVICE), "no /dev/fuse on this machine");
        Fuse.openDevice(Fuse.DEVICE);
    }

    @Test
    void aMissingDeviceIsEnoent() {
        assertThatThrownBy(() -> Fuse.openDevice(Path.of("/dev/agentsh-no-such-device")))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }
}
