package dev.agentsh.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentsh events}, {@code approve} and {@code debug policy-test} against a fake server. */
class EventsApproveDebugTest {
    @TempDir
    Path cwd;
    FakeServer server;

    @BeforeEach
    void start() throws IOException {
        server = new FakeServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Cli.Run run(String... args) {
        return Cli.run(Cli.env(cwd, "AGENTSH_SERVER", server.url()), args);
    }

    private static Map<String, String> query(FakeServer.Request request) {
        Map<String, String> out = new LinkedHashMap<>();
        Arrays.stream(request.query().split("&")).map(p -> p.split("=", 2))
                .forEach(p -> out.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void queryMapsEveryFlagToItsParameter() {
        server.respond("GET", "/api/v1/events/search", 200, "[{\"type\":\"file_open\"}]");
        Cli.Run r = run("events", "query", "--type", "file_open,net_connect", "--decision", "deny", "--since", "1h",
                "--until", "2026-11-28T10:00:00Z", "--path-like", "%/secrets/%", "--domain-like", "%.example.com",
                "--text-like", "%curl%", "--limit", "50", "--offset", "10", "--order", "asc");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Json.parseOrNull(r.out()).get(0).get("type").asText()).isEqualTo("file_open");
        assertThat(query(server.only())).containsExactly(
                Map.entry("type", "file_open,net_connect"), Map.entry("decision", "deny"), Map.entry("since", "1h"),
                Map.entry("until", "2026-11-28T10:00:00Z"), Map.entry("path_like", "%/secrets/%"),
                Map.entry("domain_like", "%.example.com"), Map.entry("text_like", "%curl%"),
                Map.entry("limit", "50"), Map.entry("offset", "10"), Map.entry("order", "asc"));
    }

    @Test
    void queryDefaultsAndSessionHistory() {
        server.respond("GET", "/api/v1/sessions/s1/history", 200, "null");
        Cli.Run r = run("events", "query", "--session", "s1");
        assertThat(r.out()).isEqualTo("null\n");
        assertThat(query(server.only())).containsExactly(Map.entry("limit", "200"), Map.entry("order", "desc"));
        assertThat(run("events", "query", "--order", "up").err()).contains("--order expects asc or desc, got \"up\"");
    }

    @Test
    void tailPrintsEachEventsData() {
        server.handle("GET", "/api/v1/sessions/s1/events", FakeServer.sse(
                "ready", "{}", null, "{\"type\":\"command_started\"}", null, "{\"type\":\"command_finished\"}"));
        Cli.Run r = run("events", "tail", "s1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("{}\n{\"type\":\"command_started\"}\n{\"type\":\"command_finished\"}\n");
    }

    @Test
    void approveListAndResolve() {
        server.respond("GET", "/api/v1/approvals", 200, "[{\"id\":\"approval-1\",\"kind\":\"command\"}]")
                .respond("POST", "/api/v1/approvals/approval-1", 200, "{\"ok\":true}");
        assertThat(Json.parseOrNull(run("approve", "list").out()).get(0).get("id").asText()).isEqualTo("approval-1");

        Cli.Run allow = run("approve", "resolve", "approval-1", "--allow", "--reason", "looks fine");
        assertThat(allow.out()).isEqualTo("ok\n");
        assertThat(server.requests().getLast().json()).isEqualTo(Json.parseOrNull("{\"decision\":\"approve\",\"reason\":\"looks fine\"}"));
        run("approve", "resolve", "approval-1", "--deny");
        assertThat(server.requests().getLast().json()).isEqualTo(Json.parseOrNull("{\"decision\":\"deny\"}"));
    }

    @Test
    void approveResolveNeedsExactlyOneDecision() {
        Cli.Run neither = run("approve", "resolve", "approval-1");
        assertThat(neither.exit()).isEqualTo(2);
        assertThat(neither.err()).contains("--allow").contains("--deny");
        Cli.Run both = run("approve", "resolve", "approval-1", "--allow", "--deny");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void approvalsWithoutAuthShowTheServersReason() {
        server.respond("GET", "/api/v1/approvals", 403,
                "{\"error\":\"approvals endpoints require auth (set auth.type=api_key and use separate agent/approver keys)\"}");
        Cli.Run r = run("approve", "list");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("agentsh: GET /api/v1/approvals: 403: approvals endpoints require auth "
                + "(set auth.type=api_key and use separate agent/approver keys)\n");
    }

    @Test
    void policyTestHumanAndJson() {
        server.respond("POST", "/api/v1/policy/test", 200,
                "{\"decision\":\"deny\",\"policy_decision\":\"deny\",\"rule\":\"deny-secrets\",\"reason\":\"secrets stay put\"}");
        Cli.Run r = run("debug", "policy-test", "--op", "file_read", "--path", "/etc/shadow", "--session", "s1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("""
                Operation: file_read
                Path:      /etc/shadow

                Decision:  DENY
                Rule:      deny-secrets
                Reason:    secrets stay put
                """);
        assertThat(server.only().json()).isEqualTo(Json.parseOrNull(
                "{\"session_id\":\"s1\",\"operation\":\"file_read\",\"path\":\"/etc/shadow\"}"));
        Cli.Run json = run("debug", "policy-test", "--op", "exec", "--path", "rm", "--json");
        assertThat(Json.parseOrNull(json.out()).get("rule").asText()).isEqualTo("deny-secrets");
        assertThat(server.requests().getLast().json().has("session_id")).isFalse();
    }
}
