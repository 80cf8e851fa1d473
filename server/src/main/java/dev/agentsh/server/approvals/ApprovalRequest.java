package dev.agentsh.server.approvals;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** A pending question for a human: may this operation happen? (the JSON of {@code GET /approvals}). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ApprovalRequest(
        String id,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("expires_at") String expiresAt,
        @JsonProperty("session_id") String sessionId,
        @JsonProperty("command_id") String commandId,
        String kind,
        String target,
        String rule,
        String message,
        Map<String, Object> fields) {
}
