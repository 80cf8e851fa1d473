package dev.agentsh.server.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of {@code POST /api/v1/sessions}; every member may be absent. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CreateSessionRequest(
        String id,
        String workspace,
        String policy,
        String home,
        @JsonProperty("detect_project_root") Boolean detectProjectRoot,
        @JsonProperty("project_root") String projectRoot,
        @JsonProperty("real_paths") Boolean realPaths) {
}
