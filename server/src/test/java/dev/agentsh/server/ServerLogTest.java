package dev.agentsh.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentsh.server.config.ServerConfig.LogFormat;
import dev.agentsh.server.config.ServerConfig.LogLevel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServerLogTest {
    @Test
    void levelsBelowTheMinimumAreDropped() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ServerLog log = new ServerLog(new PrintStream(bytes, true, StandardCharsets.UTF_8), LogLevel.WARN, LogFormat.TEXT);
        log.info("quiet");
        log.warn("loud");
        log.error("louder");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("agentsh: warn: loud\nagentsh: error: louder\n");
    }

    @Test
    void jsonIsOneObjectPerLine() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ServerLog log = new ServerLog(new PrintStream(bytes, true, StandardCharsets.UTF_8), LogLevel.INFO, LogFormat.JSON);
        log.info("started \"x\"\nsecond line");
        String line = bytes.toString(StandardCharsets.UTF_8);
        assertThat(line.lines()).hasSize(1);
        var node = new ObjectMapper().readTree(line);
        assertThat(node.get("level").asText()).isEqualTo("info");
        assertThat(node.get("msg").asText()).isEqualTo("started \"x\"\nsecond line");
        assertThat(node.get("time").asText()).isNotBlank();
    }
}
