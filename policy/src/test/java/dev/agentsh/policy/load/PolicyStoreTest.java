package dev.agentsh.policy.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsh.policy.PolicyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyStoreTest {
    private static final String POLICY = "version: 1\nname: p\n";

    @Test
    void selectionHonoursTheAllowedList() {
        assertThat(PolicyStore.select("safe", "default", List.of("safe"))).isEqualTo("safe");
        assertThat(PolicyStore.select("bad", "default", List.of("default"))).isEqualTo("default");
        assertThat(PolicyStore.select("../evil", "default", List.of("default", "../evil"))).isEqualTo("default");
        assertThat(PolicyStore.select("other", "default", List.of())).isEqualTo("default");
        assertThat(PolicyStore.select("default", "default", List.of())).isEqualTo("default");
        assertThat(PolicyStore.select(null, "default", List.of("x"))).isEqualTo("default");
    }

    @Test
    void namesResolveToYamlThenYmlThenBareFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("name.yml"), POLICY);
        Files.writeString(dir.resolve("name"), "not yaml: [");
        PolicyStore store = new PolicyStore(dir, null);
        assertThat(store.byName("name").location()).isEqualTo(dir.resolve("name.yml").toString());
        assertThat(store.byName("name").load().name()).isEqualTo("p");
    }

    @Test
    void builtInPoliciesAreInTheJarAndShadowedByTheDirectory(@TempDir Path dir) throws Exception {
        PolicyStore store = new PolicyStore(dir, null);
        for (String name : PolicyStore.BUILTIN) {
            assertThat(store.byName(name).location()).isEqualTo("builtin:" + name);
            assertThat(store.byName(name).load().name()).isNotBlank();
        }
        Files.writeString(dir.resolve("default.yaml"), POLICY);
        assertThat(store.byName("default").location()).endsWith("default.yaml");
        assertThat(store.names()).containsAll(PolicyStore.BUILTIN);
    }

    @Test
    void unknownAndInvalidNamesSayWhatIsAvailable(@TempDir Path dir) {
        PolicyStore store = new PolicyStore(dir, null);
        assertThatThrownBy(() -> store.byName("nope")).isInstanceOf(PolicyException.class)
                .hasMessageContaining("policy \"nope\" not found").hasMessageContaining("available: agent-default");
        assertThatThrownBy(() -> store.byName("../evil")).isInstanceOf(PolicyException.class)
                .hasMessageContaining("invalid policy name");
    }

    @Test
    void manifestMustListTheFileWithItsHash(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, POLICY);
        String hash = PolicyStore.sha256(Files.readAllBytes(file));
        Path manifest = dir.resolve("MANIFEST");

        Files.writeString(manifest, hash + "  p.yaml\n");
        assertThat(new PolicyStore(dir, manifest).byName("p").load().name()).isEqualTo("p");

        Files.writeString(manifest, "deadbeef  p.yaml\n");
        assertThatThrownBy(() -> new PolicyStore(dir, manifest).byName("p")).hasMessageContaining("policy hash mismatch: p.yaml");

        Files.writeString(manifest, hash + "  other.yaml\n");
        assertThatThrownBy(() -> new PolicyStore(dir, manifest).byName("p")).hasMessageContaining("policy not listed in manifest");
    }
}
