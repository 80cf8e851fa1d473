package dev.agentsh.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {
    @ParameterizedTest
    @CsvSource({"512, 512", "512B, 512", "1K, 1024", "64kb, 65536", "10MB, 10485760", "10 MiB, 10485760", "1GB, 1073741824", "2GiB, 2147483648"})
    void sizes(String text, long bytes) {
        assertThat(Values.size(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "0MB", "MB", "1TB", "-1", "1.5MB", "99999999999999999GB"})
    void badSizes(String text) {
        assertThatThrownBy(() -> Values.size(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"0660, rw-rw----", "660, rw-rw----", "0o600, rw-------", "0755, rwxr-xr-x", "000, ---------"})
    void permissions(String text, String rwx) {
        assertThat(Values.permissions(text)).isEqualTo(PosixFilePermissions.fromString(rwx));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0888", "06600", "4755", "rw", "66"})
    void badPermissions(String text) {
        assertThatThrownBy(() -> Values.permissions(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durationsUseGoSyntax() {
        assertThat(Values.duration("1h30m")).hasMinutes(90);
        assertThat(Values.duration("250ms")).hasMillis(250);
        assertThatThrownBy(() -> Values.duration("5 minutes")).hasMessageContaining("is not a duration");
        assertThatThrownBy(() -> Values.duration("0s")).hasMessageContaining("must be more than zero");
    }

    @Test
    void flags() {
        assertThat(Values.flag("1")).isTrue();
        assertThat(Values.flag("TRUE")).isTrue();
        assertThat(Values.flag("0")).isFalse();
        assertThat(Values.flag("off")).isFalse();
        assertThatThrownBy(() -> Values.flag("2")).isInstanceOf(IllegalArgumentException.class);
    }
}
