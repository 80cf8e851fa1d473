package dev.agentsh.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {
    @Test
    void parsesGoSyntax() {
        assertThat(GoDuration.parse("30s")).contains(Duration.ofSeconds(30));
        assertThat(GoDuration.parse("1h30m")).contains(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("1.5h")).contains(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("300ms")).contains(Duration.ofMillis(300));
        assertThat(GoDuration.parse(".5s")).contains(Duration.ofMillis(500));
        assertThat(GoDuration.parse("2h45m30.5s")).contains(Duration.ofHours(2).plusMinutes(45).plusMillis(30_500));
        assertThat(GoDuration.parse("10us")).contains(Duration.ofNanos(10_000));
    }

    @Test
    void refusesWhatIsNotAPositiveDuration() {
        for (String bad : new String[] {"", "30", "s", "5x", "-5s", "0s", "5 s", "1h 30m", "9999999999h"}) {
            assertThat(GoDuration.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void formatsForMessages() {
        assertThat(GoDuration.format(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(GoDuration.format(Duration.ofMillis(250))).isEqualTo("250ms");
    }
}
