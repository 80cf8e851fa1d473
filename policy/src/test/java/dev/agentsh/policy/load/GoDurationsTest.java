package dev.agentsh.policy.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationsTest {
    @Test
    void parsesGoSyntax() {
        assertThat(GoDurations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(GoDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDurations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDurations.parse("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(GoDurations.parse(".5s")).isEqualTo(Duration.ofMillis(500));
        assertThat(GoDurations.parse("2h45m30.5s")).isEqualTo(Duration.ofHours(2).plusMinutes(45).plusMillis(30_500));
        assertThat(GoDurations.parse("10us")).isEqualTo(Duration.ofNanos(10_000));
        assertThat(GoDurations.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(GoDurations.parse("0s")).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesWhatIsNotADuration() {
        for (String bad : new String[] {"", "30", "s", "5x", "-5s", "5 s", "1h 30m", "9999999999h", "5 minutes"}) {
            assertThat(GoDurations.parse(bad)).as(bad).isNull();
        }
    }

    @Test
    void formatsForMessages() {
        assertThat(GoDurations.format(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(GoDurations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    }
}
