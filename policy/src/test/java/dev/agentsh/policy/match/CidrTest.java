package dev.agentsh.policy.match;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {
    @ParameterizedTest(name = "{0} contains {1} = {2}")
    @CsvSource({
        "10.0.0.0/8, 10.1.2.3, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "172.16.0.0/12, 172.31.255.255, true",
        "172.16.0.0/12, 172.32.0.0, false",
        "127.0.0.1/32, 127.0.0.1, true",
        "fc00::/7, fd12::1, true",
        "fe80::/10, fe80::1, true",
        "::1/128, ::1, true",
        "10.0.0.0/8, ::ffff:10.0.0.1, true",
        "169.254.169.254, 169.254.169.254, true",
    })
    void contains(String cidr, String ip, boolean expected) {
        assertThat(Cidr.parse(cidr).contains(IpLiterals.parse(ip))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.0/33", "10.0.0/8", "example.com/8", "10.0.0.0/x", "::1/129"})
    void malformed(String cidr) {
        assertThat(Cidr.parse(cidr)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"example.com", "1.2.3", "256.1.1.1", "localhost", "''"})
    void hostnamesAreNotLiterals(String host) {
        assertThat(IpLiterals.parse(host)).isNull();
    }
}
