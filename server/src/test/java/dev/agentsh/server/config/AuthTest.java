package dev.agentsh.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsh.server.config.ServerConfig.ApiKey;
import dev.agentsh.server.config.ServerConfig.AuthType;
import dev.agentsh.server.config.ServerConfig.Role;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthTest {
    private static final String API_KEY_AUTH = """
            auth:
              type: api_key
              api_key:
                keys_file: keys.yaml
            """;

    @TempDir
    Path tmp;

    private ConfigFiles files;
    private String file;
    private String keysFile;

    @BeforeEach
    void setUp() {
        files = new ConfigFiles(tmp);
        file = tmp.resolve("config.yaml").toString();
        keysFile = tmp.resolve("keys.yaml").toString();
    }

    @Test
    void authNoneRefusesANonLoopbackAddress() {
        assertThatThrownBy(() -> files.load("""
                server:
                  http:
                    addr: 0.0.0.0:18080
                """)).isInstanceOf(ConfigException.class).hasMessage(file + ":3:11: server.http.addr: 0.0.0.0:18080 is not a "
                + "loopback address; with auth.type none agentsh refuses to listen there (set auth.type: api_key)");
    }

    @ParameterizedTest
    @ValueSource(strings = {":18080", "[::]:18080", "192.168.1.10:18080", "example.com:80", "localhost.evil.com:80"})
    void authNoneRefusesEveryOtherNonLoopbackAddress(String addr) {
        assertThatThrownBy(() -> files.load("server: {http: {addr: \"" + addr + "\"}}\n"))
                .hasMessageContaining("is not a loopback address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:18080", "LOCALHOST:1", "127.0.0.1:18080", "127.9.8.7:0", "[::1]:18080"})
    void authNoneAcceptsLoopbackAddresses(String addr) throws Exception {
        assertThat(files.load("server: {http: {addr: \"" + addr + "\"}}\n").server().http().addr().isLoopback()).isTrue();
    }

    @Test
    void apiKeyAuthMayListenEverywhere() throws Exception {
        files.write("keys.yaml", "- {id: ops, key: secret-1}\n");
        ServerConfig c = files.load(API_KEY_AUTH + "server:\n  http:\n    addr: 0.0.0.0:18080\n");
        assertThat(c.auth().type()).isEqualTo(AuthType.API_KEY);
        assertThat(c.auth().apiKey().keysFile()).contains(tmp.resolve("keys.yaml"));
        assertThat(c.server().http().addr()).hasToString("0.0.0.0:18080");
    }

    @Test
    void keysFileRolesDefaultToAdminAndAreCaseInsensitive() throws Exception {
        files.write("keys.yaml", """
                - id: ops
                  key: secret-1
                  description: the operator
                - id: human
                  key: secret-2
                  role: Approver
                - id: claude
                  key: secret-3
                  role: agent
                """);
        ServerConfig c = files.load(API_KEY_AUTH);
        assertThat(c.auth().keys()).containsExactly(
                new ApiKey("ops", "secret-1", "the operator", Role.ADMIN),
                new ApiKey("human", "secret-2", "", Role.APPROVER),
                new ApiKey("claude", "secret-3", "", Role.AGENT));
    }

    @Test
    void unknownRoleIsAnErrorNamingTheKeysFile() {
        files.write("keys.yaml", """
                - id: ops
                  key: k1
                - id: bot
                  key: k2
                  role: root
                """);
        assertThatThrownBy(() -> files.load(API_KEY_AUTH))
                .hasMessage(keysFile + ":5:9: [1].role: \"root\" is not a role; expected one of admin, approver, agent");
    }

    @Test
    void badKeysFiles() {
        files.write("keys.yaml", "- {id: a}\n");
        assertThatThrownBy(() -> files.load(API_KEY_AUTH)).hasMessage(keysFile + ":1:3: [0].key: is required");

        files.write("keys.yaml", "- {id: a, key: k1}\n- {id: a, key: k2}\n");
        assertThatThrownBy(() -> files.load(API_KEY_AUTH)).hasMessage(keysFile + ":2:8: [1].id: \"a\" is already used by [0]");

        files.write("keys.yaml", "- {id: a, key: k1}\n- {id: b, key: k1}\n");
        assertThatThrownBy(() -> files.load(API_KEY_AUTH)).hasMessage(keysFile + ":2:16: [1].key: is the same key as id \"a\"");

        files.write("keys.yaml", "- {id: a, key: k1, secret: x}\n");
        assertThatThrownBy(() -> files.load(API_KEY_AUTH)).hasMessageStartingWith(keysFile + ":1:20: [0].secret: unknown key");

        files.write("keys.yaml", "[]\n");
        assertThatThrownBy(() -> files.load(API_KEY_AUTH))
                .hasMessage(keysFile + ": lists no keys; expected a list of {id, key, description, role}");

        files.write("keys.yaml", "id: a\nkey: k\n");
        assertThatThrownBy(() -> files.load(API_KEY_AUTH)).hasMessageStartingWith(keysFile + ":1:1: expected a list of mappings");
    }

    @Test
    void missingKeysFile() {
        assertThatThrownBy(() -> files.load(API_KEY_AUTH)).isInstanceOf(ConfigException.class).hasMessage(keysFile + ": no such file");
    }

    @Test
    void apiKeyAuthNeedsAKeysFile() {
        assertThatThrownBy(() -> files.load("auth:\n  type: api_key\n"))
                .hasMessage(file + ":2:9: auth.type: api_key needs auth.api_key.keys_file, a YAML list of {id, key, description, role}");
    }

    @Test
    void keysFileIsOnlyReadForApiKeyAuth() throws Exception {
        ServerConfig c = files.load("auth:\n  type: none\n  api_key: {keys_file: missing.yaml}\n");
        assertThat(c.auth().keys()).isEmpty();
        assertThat(c.auth().apiKey().keysFile()).contains(tmp.resolve("missing.yaml"));
    }

    @Test
    void keysCanComeFromTheEnvironment() throws Exception {
        files.write("keys.yaml", "- {id: ops, key: \"${OPS_KEY}\"}\n");
        ServerConfig c = ServerConfig.load(files.write("config.yaml", API_KEY_AUTH), files.env("OPS_KEY", "from-env"));
        assertThat(c.auth().keys()).extracting(ApiKey::key).containsExactly("from-env");
    }

    @Test
    void apiKeysNeverPrintTheirSecret() {
        assertThat(new ApiKey("ops", "hunter2", "", Role.ADMIN).toString()).doesNotContain("hunter2").contains("ops", "admin");
    }

    @Test
    void enabledApprovalsInApiModeNeedAuth() {
        assertThatThrownBy(() -> files.load("approvals:\n  enabled: true\n"))
                .hasMessage(file + ":2:12: approvals.enabled: approvals in api mode are answered through the approvals API, "
                        + "which needs auth; set auth.type: api_key (with an approver key) or approvals.enabled: false");
        assertThatThrownBy(() -> files.load("approvals:\n  enabled: true\n  mode: api\n"))
                .hasMessageStartingWith(file + ":3:9: approvals.mode: approvals in api mode are answered");
    }

    @Test
    void disabledApprovalsNeedNoAuth() throws Exception {
        assertThat(files.load("approvals: {enabled: false, mode: api}\n").approvals().enabled()).isFalse();
    }

    @Test
    void customHeaderName() throws Exception {
        assertThat(files.load("auth:\n  api_key:\n    header_name: Authorization-Key\n").auth().apiKey().headerName())
                .isEqualTo("Authorization-Key");
    }
}
