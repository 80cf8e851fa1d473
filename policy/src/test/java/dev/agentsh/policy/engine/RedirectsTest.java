package dev.agentsh.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.policy.load.PolicyLoader;
import dev.agentsh.policy.model.ConnectRedirect;
import dev.agentsh.policy.model.DnsRedirect;
import org.junit.jupiter.api.Test;

/** DNS and connect redirects (conformance vectors N9-N11). */
class RedirectsTest {
    private static final PolicyEngine ENGINE = compile();

    private static PolicyEngine compile() {
        try {
            return PolicyEngine.compile(PolicyLoader.load("r.yaml", """
                    version: 1
                    name: r
                    dns_redirects:
                      - {name: anthropic, match: '.*\\.anthropic\\.com', resolve_to: 10.0.0.50, visibility: warn}
                      - {name: exact, match: '^example\\.com$', resolve_to: 192.168.1.1}
                    connect_redirects:
                      - {name: vertex, match: 'api\\.anthropic\\.com:443', redirect_to: 'vertex-proxy.internal:443'}
                      - {name: https, match: '.*:443', redirect_to: 'https-proxy.internal:8443', tls: {mode: rewrite_sni, sni: proxy.internal}, visibility: silent}
                      - {name: db, match: '^db\\.internal:5432$', redirect_to_unix: /run/db.sock}
                    """), EngineOptions.defaults());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void dnsRedirects() {
        DnsRedirect sub = ENGINE.dnsRedirect("sub.domain.anthropic.com.").orElseThrow();
        assertThat(sub.resolveTo()).isEqualTo("10.0.0.50");
        assertThat(sub.visibility()).isEqualTo("warn");
        DnsRedirect exact = ENGINE.dnsRedirect("Example.com").orElseThrow();
        assertThat(exact.visibility()).isEqualTo("audit_only");
        assertThat(exact.onFailure()).isEqualTo("fail_closed");
        assertThat(ENGINE.dnsRedirect("anthropic.com.evil.com")).isEmpty();
        assertThat(ENGINE.dnsRedirect("google.com")).isEmpty();
    }

    @Test
    void connectRedirects() {
        ConnectRedirect first = ENGINE.connectRedirect("api.anthropic.com", 443).orElseThrow();
        assertThat(first.name()).isEqualTo("vertex");
        assertThat(first.tlsMode()).isEqualTo("passthrough");
        ConnectRedirect second = ENGINE.connectRedirect("google.com", 443).orElseThrow();
        assertThat(second.sni()).isEqualTo("proxy.internal");
        assertThat(ENGINE.connectRedirect("api.anthropic.com", 80)).isEmpty();
        assertThat(ENGINE.connectRedirect("DB.Internal", 5432).orElseThrow().redirectToUnix()).isEqualTo("/run/db.sock");
    }
}
