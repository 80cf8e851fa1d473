package dev.agentsh.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class SeccompTest {
    @Test
    void knowsKillProcessAndUserNotify() throws KernelException {
        Seccomp.requireAction(Seccomp.RET_KILL_PROCESS);
        Seccomp.requireAction(Seccomp.RET_USER_NOTIF);
    }

    @Test
    void refusesAnActionThatDoesNotExist() {
        assertThatThrownBy(() -> Seccomp.requireAction(0x12340000))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EOPNOTSUPP));
    }

    @Test
    void notifySizesAreTheX8664Structs() throws KernelException {
        assumeTrue("amd64".equals(System.getProperty("os.arch")), "struct sizes checked for x86_64 only");
        assertThat(Seccomp.notifySizes()).isEqualTo(new Seccomp.NotifySizes(80, 24, 64));
    }
}
