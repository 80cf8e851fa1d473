package dev.agentsh.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventJsonTest {

    private static final ObjectMapper TREE = new ObjectMapper();

    static Event everyMember() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("exit_code", 0);
        fields.put("duration_ms", 12);
        fields.put("blocked", false);
        fields.put("args", List.of("-la"));
        return Event.builder("command_finished", "sess-1")
                .timestamp(Instant.parse("2026-11-28T23:20:01.123456789Z"))
                .commandId("cmd-1")
                .source("fuse")
                .pid(4242)
                .policy(Event.Policy.of("approve", "allow", "ask-before-push")
                        .withMessage("needs a human")
                        .withApproval(new Event.Approval(true, "shadow", "approval-7"))
                        .withRedirect(new Event.Redirect("git", List.of("push"), List.of("--dry-run"),
                                Map.of("GIT_TRACE", "1"), "safer")))
                .parentPid(1)
                .depth(2)
                .filename("/usr/bin/git")
                .rawFilename("git")
                .argv(List.of("git", "push"))
                .truncated(true)
                .unwrappedFrom("bash -c")
                .payloadCommand("git push")
                .path("/workspace/repo")
                .abstractPath(true)
                .domain("github.com")
                .remote("github.com:443")
                .operation("exec")
                .effectiveAction("allowed")
                .fields(fields)
                .build();
    }

    @Test
    void everyMemberRoundTripsUnderItsUpstreamName() throws Exception {
        Event event = everyMember();

        String json = EventJson.toJson(event);
        JsonNode tree = TREE.readTree(json);

        assertThat(names(tree)).containsExactly("id", "timestamp", "type", "session_id", "command_id", "source",
                "pid", "policy", "parent_pid", "depth", "filename", "raw_filename", "argv", "truncated",
                "unwrapped_from", "payload_command", "path", "abstract", "domain", "remote", "operation",
                "effective_action", "fields");
        assertThat(names(tree.get("policy")))
                .containsExactly("decision", "effective_decision", "rule", "message", "approval", "redirect");
        assertThat(names(tree.get("policy").get("approval"))).containsExactly("required", "mode", "id");
        assertThat(names(tree.get("policy").get("redirect")))
                .containsExactly("command", "args", "args_append", "environment", "reason");
        assertThat(tree.get("timestamp").asText()).isEqualTo("2026-11-28T23:20:01.123456789Z");
        assertThat(tree.get("abstract").asBoolean()).isTrue();
        assertThat(EventJson.fromJson(json)).isEqualTo(event);
    }

    @Test
    void threatMembersOfThePolicyRoundTrip() throws Exception {
        Event.Policy policy = new Event.Policy("deny", "deny", "threat-feed", null, null, null,
                "urlhaus", "evil.test", "block");
        Event event = Event.builder("dns_query", "s").policy(policy).build();

        String json = EventJson.toJson(event);

        assertThat(names(TREE.readTree(json).get("policy")))
                .containsExactly("decision", "effective_decision", "rule", "threat_feed", "threat_match", "threat_action");
        assertThat(EventJson.fromJson(json)).isEqualTo(event);
    }

    @Test
    void emptyMembersAreOmittedButRequiredOnesAreAlwaysWritten() throws Exception {
        Event event = Event.builder("session_created", "")
                .argv(List.of())
                .pid(0)
                .truncated(false)
                .build();

        JsonNode tree = TREE.readTree(EventJson.toJson(event));

        assertThat(names(tree)).containsExactly("id", "timestamp", "type", "session_id");
        assertThat(tree.get("session_id").asText()).isEmpty();
    }

    @Test
    void zeroAndFalseInsideFieldsSurvive() {
        Event event = Event.builder("command_finished", "s").field("exit_code", 0).field("blocked", false).build();

        String json = EventJson.toJson(event);

        assertThat(json).contains("\"fields\":{\"exit_code\":0,\"blocked\":false}");
        assertThat(EventJson.fromJson(json).fields()).containsEntry("exit_code", 0).containsEntry("blocked", false);
    }

    @Test
    void approvalRequiredAndRedirectCommandAreWrittenEvenWhenEmpty() throws Exception {
        Event event = Event.builder("command_policy", "s")
                .policy(Event.Policy.of("redirect", "redirect", "r")
                        .withApproval(new Event.Approval(false, null, null))
                        .withRedirect(new Event.Redirect(null, null, null, null, null)))
                .build();

        JsonNode policy = TREE.readTree(EventJson.toJson(event)).get("policy");

        assertThat(policy.get("approval").toString()).isEqualTo("{\"required\":false}");
        assertThat(policy.get("redirect").toString()).isEqualTo("{\"command\":\"\"}");
    }

    @Test
    void timestampsUseGoRfc3339NanoFormatting() {
        assertThat(Event.builder("t", "s").timestamp(Instant.parse("2026-01-02T03:04:05.120Z")).build().timestamp())
                .isEqualTo("2026-01-02T03:04:05.12Z");
        assertThat(Event.builder("t", "s").timestamp(Instant.parse("2026-01-02T03:04:05Z")).build().timestamp())
                .isEqualTo("2026-01-02T03:04:05Z");
        assertThat(Event.of("t", "s").timestamp()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z");
    }

    @Test
    void ofFillsAFreshIdAndTheCurrentTime() {
        Instant before = Instant.now();
        Event first = Event.of("session_created", "s");
        Event second = Event.of("session_created", "s");

        assertThat(first.id()).isNotBlank().isNotEqualTo(second.id());
        assertThat(first.instant()).isBetween(before, Instant.now());
        assertThat(first.type()).isEqualTo("session_created");
        assertThat(first.sessionId()).isEqualTo("s");
    }

    @Test
    void toBuilderCopiesEveryMember() {
        Event event = everyMember();

        assertThat(event.toBuilder().build()).isEqualTo(event);
        assertThat(event.toBuilder().path("/elsewhere").build())
                .usingRecursiveComparison().ignoringFields("path").isEqualTo(event);
    }

    @Test
    void encodesOnOneLineEvenWithNewlinesInValues() {
        Event event = Event.builder("command_started", "s").field("command", "echo 'a\nb'\r\n").build();

        assertThat(EventJson.toJson(event)).doesNotContain("\n", "\r");
    }

    @Test
    void ignoresUnknownMembersSuchAsAnIntegrityChain() {
        String line = "{\"id\":\"e1\",\"timestamp\":\"2026-01-02T03:04:05Z\",\"type\":\"file_open\",\"session_id\":\"s\","
                + "\"integrity\":{\"format_version\":2,\"sequence\":7}}";

        assertThat(EventJson.fromJson(line).id()).isEqualTo("e1");
    }

    @Test
    void rejectsTextThatIsNotAnEvent() {
        assertThatThrownBy(() -> EventJson.fromJson("[1,2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not an event");
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
