package dev.agentsh.server.exec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The body of {@code POST /sessions/{id}/exec}; echoed back (as executed) in the response. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ExecRequest(
        String command,
        List<String> args,
        String argv0,
        String timeout,
        @JsonProperty("working_dir") String workingDir,
        Map<String, String> env,
        String stdin,
        @JsonProperty("stream_output") Boolean streamOutput,
        @JsonProperty("include_events") String includeEvents) {

    public List<String> argsOrEmpty() {
        return args == null ? List.of() : args;
    }

    public ExecRequest withCommand(String newCommand, List<String> newArgs) {
        return new ExecRequest(newCommand, newArgs, argv0, timeout, workingDir, env, stdin, streamOutput, includeEvents);
    }
}
