package dev.agentsh.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ListenAddressTest {
    @ParameterizedTest
    @CsvSource({
            "127.0.0.1:18080, 127.0.0.1, 18080, true",
            "127.200.1.1:1, 127.200.1.1, 1, true",
            "localhost:0, localhost, 0, true",
            "[::1]:18080, ::1, 18080, true",
            "0.0.0.0:18080, 0.0.0.0, 18080, false",
            ":18080, '', 18080, false",
            "[::]:443, ::, 443, false",
            "agentsh.internal:8080, agentsh.internal, 8080, false",
    })
    void parsesAndClassifies(String text, String host, int port, boolean loopback) {
        ListenAddress a = ListenAddress.parse(text);
        assertThat(a.host()).isEqualTo(host);
        assertThat(a.port()).isEqualTo(port);
        assertThat(a.isLoopback()).isEqualTo(loopback);
        assertThat(a).hasToString(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "18080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:http", "::1:18080",
            "[::1]18080", "[nonsense]:1", "bad host:1", "-x:1"})
    void rejects(String text) {
        assertThatThrownBy(() -> ListenAddress.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void saysWhatWasExpected() {
        assertThatThrownBy(() -> ListenAddress.parse("::1:18080")).hasMessage("\"::1:18080\": an IPv6 address goes in brackets, e.g. [::1]:18080");
    }
}
