package dev.agentsh.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LandlockTest {
    private int abi;

    @BeforeEach
    void needsLandlock() {
        try {
            abi = Landlock.abiVersion();
        } catch (KernelException e) {
            assumeTrue(false, "Landlock is not available on this kernel: " + e.getMessage());
        }
    }

    @Test
    void abiIsAVersionNumber() {
        assertThat(abi).isBetween(1, 64);
    }

    @Test
    void acceptsEveryRightOfItsOwnAbi() throws KernelException {
        Landlock.createAndClose(Landlock.filesystemRights(abi), Landlock.networkRights(abi), Landlock.scopes(abi));
    }

    @Test
    void refusesARightNoAbiDefines() {
        assertThatThrownBy(() -> Landlock.createAndClose(1L << 62, 0, 0))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void refusesTheRightsOfTheNextAbi() {
        // REFER (ABI 2) .. IOCTL_DEV (ABI 5) are single new bits; the bit after the kernel's own set must be refused.
        long next = Long.highestOneBit(Landlock.filesystemRights(abi)) << 1;
        assertThatThrownBy(() -> Landlock.createAndClose(Landlock.filesystemRights(abi) | next, 0, 0))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void rightsGrowWithTheAbi() {
        assertThat(Landlock.filesystemRights(1)).isEqualTo(0x1fff);
        assertThat(Landlock.filesystemRights(3)).isEqualTo(0x7fff);
        assertThat(Landlock.filesystemRights(5)).isEqualTo(0xffff);
        assertThat(Landlock.networkRights(3)).isZero();
        assertThat(Landlock.networkRights(4)).isEqualTo(3);
        assertThat(Landlock.scopes(5)).isZero();
        assertThat(Landlock.scopes(6)).isEqualTo(3);
    }
}
