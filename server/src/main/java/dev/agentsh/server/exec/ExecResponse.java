package dev.agentsh.server.exec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The answer to an exec request, in the original's exact shape (members marked optional there are omitted when empty). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecResponse(
        @JsonProperty("command_id") String commandId,
        @JsonProperty("session_id") String sessionId,
        String timestamp,
        ExecRequest request,
        Result result,
        Events events,
        Guidance guidance) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(
            @JsonProperty("exit_code") int exitCode,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) String stdout,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) String stderr,
            @JsonProperty("stdout_truncated") Boolean stdoutTruncated,
            @JsonProperty("stderr_truncated") Boolean stderrTruncated,
            @JsonProperty("stdout_total_bytes") Long stdoutTotalBytes,
            @JsonProperty("stderr_total_bytes") Long stderrTotalBytes,
            @JsonProperty("duration_ms") long durationMs,
            Error error,
            Pagination pagination) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Error(String code, String message, @JsonProperty("policy_rule") String policyRule,
                        List<Suggestion> suggestions, Map<String, Object> context) {
    }

    public record Pagination(@JsonProperty("current_offset") long currentOffset, @JsonProperty("current_limit") long currentLimit,
                             @JsonProperty("has_more") boolean hasMore, @JsonProperty("next_command") String nextCommand) {
    }

    /** The first three lists are always present; {@code other} and the counts only when non-empty. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Events(
            @JsonProperty("file_operations") List<Object> fileOperations,
            @JsonProperty("network_operations") List<Object> networkOperations,
            @JsonProperty("blocked_operations") List<Object> blockedOperations,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Object> other,
            @JsonProperty("file_operations_count") Integer fileOperationsCount,
            @JsonProperty("network_operations_count") Integer networkOperationsCount,
            @JsonProperty("blocked_operations_count") Integer blockedOperationsCount,
            @JsonProperty("other_count") Integer otherCount,
            Boolean truncated) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Guidance(
            String status,
            Boolean blocked,
            Boolean retryable,
            String reason,
            @JsonProperty("policy_rule") String policyRule,
            @JsonProperty("blocked_operation") String blockedOperation,
            @JsonProperty("blocked_target") String blockedTarget,
            List<Suggestion> substitutions,
            List<Suggestion> suggestions) {
    }

    /** All three members are always present. */
    public record Suggestion(String action, String command, String reason) {
    }
}
