package dev.agentsh.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.agentsh.server.session.Session;

/** The Session object of the API. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SessionView(
        String id,
        String state,
        @JsonProperty("created_at") String createdAt,
        String workspace,
        @JsonProperty("workspace_mount") String workspaceMount,
        String policy,
        String cwd,
        @JsonProperty("virtual_root") String virtualRoot,
        @JsonProperty("project_root") String projectRoot,
        @JsonProperty("git_root") String gitRoot,
        String error) {

    public static SessionView of(Session s) {
        String state = s.failure() != null ? "failed" : s.busy() ? "busy" : "ready";
        return new SessionView(s.id(), state, s.createdAt().toString(), s.workspace().toString(),
                s.workspace().toString(), s.policyName(), s.cwd(), s.virtualRoot(), s.projectRoot().toString(),
                s.gitRoot().toString(), s.failure());
    }
}
