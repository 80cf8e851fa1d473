package dev.agentsh.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NamespacesTest {
    @Test
    void rootCreatesAMountNamespace() throws Exception {
        assumeTrue(Namespaces.unshareTool().isPresent(), "unshare(1) (util-linux) is not installed");
        assumeTrue(KernelFacts.root(), "creating a mount namespace without a user namespace needs CAP_SYS_ADMIN");
        assertThat(Namespaces.tryCreate(Namespaces.unshareTool().get(), Namespaces.Kind.MOUNT)).isEmpty();
    }

    @Test
    void aFailingChildIsReportedWithItsStatus() throws Exception {
        assertThat(Namespaces.tryCreate(Path.of("/bin/false"), Namespaces.Kind.NET))
                .hasValueSatisfying(why -> assertThat(why).contains("--net").contains("exited 1"));
    }
}
