package dev.agentsh.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery order, with HOME, XDG_CONFIG_HOME and the system directory all inside a temporary directory. */
class DiscoveryTest {
    @TempDir
    Path tmp;

    private ConfigFiles files;
    private Path system;

    @BeforeEach
    void setUp() {
        files = new ConfigFiles(tmp);
        system = tmp.resolve("etc/agentsh");
    }

    private Path config(String path) {
        return files.write(path, "logging: {level: info}\n");
    }

    @Test
    void agentshConfigComesFirst() throws Exception {
        Path named = config("named/agentsh.yaml");
        config("home/.config/agentsh/config.yaml");
        config("etc/agentsh/config.yaml");
        assertThat(ServerConfig.discover(files.env("AGENTSH_CONFIG", named.toString()), system).source()).isEqualTo(named);
    }

    @Test
    void agentshConfigMustExist() {
        Path named = tmp.resolve("named/missing.yaml");
        config("home/.config/agentsh/config.yaml");
        assertThatThrownBy(() -> ServerConfig.discover(files.env("AGENTSH_CONFIG", named.toString()), system))
                .isInstanceOf(ConfigException.class).hasMessage(named + ": no such file");
    }

    @Test
    void theUsersConfigUnderXdgConfigHomeComesBeforeTheSystemOne() throws Exception {
        Path user = config("xdg/agentsh/config.yaml");
        config("etc/agentsh/config.yaml");
        ServerConfig c = ServerConfig.discover(files.env("XDG_CONFIG_HOME", tmp.resolve("xdg").toString()), system);
        assertThat(c.source()).isEqualTo(user);
    }

    @Test
    void xdgConfigHomeDefaultsToDotConfigInHome() throws Exception {
        Path user = config("home/.config/agentsh/config.yaml");
        assertThat(ServerConfig.discover(files.env(), system).source()).isEqualTo(user);
    }

    @Test
    void yamlComesBeforeYmlAndYmlIsFound() throws Exception {
        Path yml = config("home/.config/agentsh/config.yml");
        assertThat(ServerConfig.discover(files.env(), system).source()).isEqualTo(yml);
        Path yaml = config("home/.config/agentsh/config.yaml");
        assertThat(ServerConfig.discover(files.env(), system).source()).isEqualTo(yaml);
    }

    @Test
    void theSystemConfigIsUsedWhenTheUserHasNone() throws Exception {
        Path etc = config("etc/agentsh/config.yml");
        assertThat(ServerConfig.discover(files.env(), system).source()).isEqualTo(etc);
    }

    @Test
    void theBuiltinDefaultsAreTheLastResort() throws Exception {
        ServerConfig c = ServerConfig.discover(files.env(), system);
        assertThat(c.source()).isNull();
        assertThat(c).isEqualTo(ServerConfig.builtin(files.env()));
    }

    @Test
    void aBrokenDiscoveredFileIsAnErrorNotSkipped() {
        Path user = files.write("home/.config/agentsh/config.yaml", "bogus: 1\n");
        config("etc/agentsh/config.yaml");
        assertThatThrownBy(() -> ServerConfig.discover(files.env(), system)).hasMessageStartingWith(user + ":1:1: bogus: unknown key");
    }

    @Test
    void aDiscoveredUserConfigKeepsItsDataBesideIt() throws Exception {
        config("home/.config/agentsh/config.yaml");
        assertThat(ServerConfig.discover(files.env(), system).dataDir()).isEqualTo(tmp.resolve("home/.config/agentsh/data"));
    }
}
