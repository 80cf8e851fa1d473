package dev.agentsh.server.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.agentsh.policy.Decision;
import dev.agentsh.policy.engine.Verdict;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One audit event: the envelope of upstream {@code pkg/types.Event}, serialized with the same snake_case
 * names and the same omit-when-empty behaviour as Go's {@code omitempty}. Components are declared in the
 * upstream field order so JSONL lines look like the ones the Go server writes.
 *
 * <p>Numbers and flags are primitives whose zero value means "absent" (Go has no null for them), hence
 * {@link Include#NON_DEFAULT} on those: plain {@code NON_EMPTY} would still write {@code "pid":0}.
 * {@code timestamp}, {@code type} and {@code session_id} carry no {@code omitempty} upstream and are always
 * written.
 *
 * @param abstractPath {@code abstract}: the path names a Linux abstract-namespace unix socket
 */
@JsonInclude(Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true) // JSONL lines may carry extra members, e.g. an integrity chain
public record Event(
        @JsonProperty("id") String id,
        @JsonProperty("timestamp") @JsonInclude(Include.ALWAYS) String timestamp,
        @JsonProperty("type") @JsonInclude(Include.ALWAYS) String type,
        @JsonProperty("session_id") @JsonInclude(Include.ALWAYS) String sessionId,
        @JsonProperty("command_id") String commandId,
        @JsonProperty("source") String source,
        @JsonProperty("pid") @JsonInclude(Include.NON_DEFAULT) int pid,
        @JsonProperty("policy") Policy policy,
        @JsonProperty("parent_pid") @JsonInclude(Include.NON_DEFAULT) int parentPid,
        // Null for events that are not about an exec; 0, the command itself, is written out.
        @JsonProperty("depth") @JsonInclude(Include.NON_NULL) Integer depth,
        @JsonProperty("filename") String filename,
        @JsonProperty("raw_filename") String rawFilename,
        @JsonProperty("argv") List<String> argv,
        @JsonProperty("truncated") @JsonInclude(Include.NON_DEFAULT) boolean truncated,
        @JsonProperty("unwrapped_from") String unwrappedFrom,
        @JsonProperty("payload_command") String payloadCommand,
        @JsonProperty("path") String path,
        @JsonProperty("abstract") @JsonInclude(Include.NON_DEFAULT) boolean abstractPath,
        @JsonProperty("domain") String domain,
        @JsonProperty("remote") String remote,
        @JsonProperty("operation") String operation,
        @JsonProperty("effective_action") String effectiveAction,
        @JsonProperty("fields") Map<String, Object> fields) {

    public Event {
        timestamp = Objects.requireNonNullElse(timestamp, "");
        type = Objects.requireNonNullElse(type, "");
        sessionId = Objects.requireNonNullElse(sessionId, "");
        argv = argv == null ? List.of() : List.copyOf(argv);
        // Insertion order is kept for readable output; null values are legal in Go's map[string]any.
        fields = fields == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** A new event of {@code type} in {@code sessionId} with a fresh id and the current time. */
    public static Event of(String type, String sessionId) {
        return builder(type, sessionId).build();
    }

    /** A builder pre-filled like {@link #of}: fresh id, current time. */
    public static Builder builder(String type, String sessionId) {
        return builder(type, sessionId, Instant.now());
    }

    /** A builder with a fresh id, for something that happened {@code at}. */
    public static Builder builder(String type, String sessionId, Instant at) {
        return new Builder()
                .id(EventIds.next())
                .timestamp(at)
                .type(type)
                .sessionId(sessionId);
    }

    /** A builder holding a copy of this event, for deriving a modified one. */
    public Builder toBuilder() {
        return new Builder()
                .id(id).timestamp(timestamp).type(type).sessionId(sessionId).commandId(commandId).source(source)
                .pid(pid).policy(policy).parentPid(parentPid).depth(depth).filename(filename)
                .rawFilename(rawFilename).argv(argv).truncated(truncated).unwrappedFrom(unwrappedFrom)
                .payloadCommand(payloadCommand).path(path).abstractPath(abstractPath).domain(domain)
                .remote(remote).operation(operation).effectiveAction(effectiveAction).fields(fields);
    }

    /** The timestamp as an instant; throws {@link IllegalArgumentException} if it is not RFC 3339. */
    public Instant instant() {
        return Rfc3339.parse(timestamp);
    }

    /**
     * What the policy said about the operation ({@code decision}) and what was enforced
     * ({@code effective_decision}, e.g. approve becomes allow in shadow mode).
     */
    @JsonInclude(Include.NON_EMPTY)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Policy(
            @JsonProperty("decision") String decision,
            @JsonProperty("effective_decision") String effectiveDecision,
            @JsonProperty("rule") String rule,
            @JsonProperty("message") String message,
            @JsonProperty("approval") Approval approval,
            @JsonProperty("redirect") Redirect redirect,
            @JsonProperty("threat_feed") String threatFeed,
            @JsonProperty("threat_match") String threatMatch,
            @JsonProperty("threat_action") String threatAction) {

        public static Policy of(String decision, String effectiveDecision, String rule) {
            return new Policy(decision, effectiveDecision, rule, null, null, null, null, null, null);
        }

        /** What the engine said ({@code v}), with {@code effective} as what was enforced. */
        public static Policy of(Verdict v, Decision effective) {
            return of(v.policyDecision().wireName(), effective.wireName(), v.rule()).withMessage(v.reason());
        }

        public Policy withMessage(String message) {
            return new Policy(decision, effectiveDecision, rule, message, approval, redirect,
                    threatFeed, threatMatch, threatAction);
        }

        public Policy withApproval(Approval approval) {
            return new Policy(decision, effectiveDecision, rule, message, approval, redirect,
                    threatFeed, threatMatch, threatAction);
        }

        public Policy withRedirect(Redirect redirect) {
            return new Policy(decision, effectiveDecision, rule, message, approval, redirect,
                    threatFeed, threatMatch, threatAction);
        }
    }

    /** Approval state of an {@code approve} rule; {@code required} is always written, as upstream. */
    @JsonInclude(Include.NON_EMPTY)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Approval(
            @JsonProperty("required") @JsonInclude(Include.ALWAYS) boolean required,
            @JsonProperty("mode") String mode,
            @JsonProperty("id") String id) {
    }

    /** Where a {@code redirect} rule sent the command; {@code command} is always written, as upstream. */
    @JsonInclude(Include.NON_EMPTY)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Redirect(
            @JsonProperty("command") @JsonInclude(Include.ALWAYS) String command,
            @JsonProperty("args") List<String> args,
            @JsonProperty("args_append") List<String> argsAppend,
            @JsonProperty("environment") Map<String, String> environment,
            @JsonProperty("reason") String reason) {

        public Redirect {
            command = Objects.requireNonNullElse(command, "");
            args = args == null ? List.of() : List.copyOf(args);
            argsAppend = argsAppend == null ? List.of() : List.copyOf(argsAppend);
            environment = environment == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        }
    }

    /** Mutable assembly of an {@link Event}; every setter returns the builder. */
    public static final class Builder {
        private String id;
        private String timestamp;
        private String type;
        private String sessionId;
        private String commandId;
        private String source;
        private int pid;
        private Policy policy;
        private int parentPid;
        private Integer depth;
        private String filename;
        private String rawFilename;
        private List<String> argv = List.of();
        private boolean truncated;
        private String unwrappedFrom;
        private String payloadCommand;
        private String path;
        private boolean abstractPath;
        private String domain;
        private String remote;
        private String operation;
        private String effectiveAction;
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder id(String id) { this.id = id; return this; }

        public Builder timestamp(String rfc3339) { this.timestamp = rfc3339; return this; }

        public Builder timestamp(Instant instant) { this.timestamp = Rfc3339.format(instant); return this; }

        public Builder type(String type) { this.type = type; return this; }

        public Builder sessionId(String sessionId) { this.sessionId = sessionId; return this; }

        public Builder commandId(String commandId) { this.commandId = commandId; return this; }

        public Builder source(String source) { this.source = source; return this; }

        public Builder pid(int pid) { this.pid = pid; return this; }

        public Builder policy(Policy policy) { this.policy = policy; return this; }

        public Builder parentPid(int parentPid) { this.parentPid = parentPid; return this; }

        public Builder depth(Integer depth) { this.depth = depth; return this; }

        public Builder filename(String filename) { this.filename = filename; return this; }

        public Builder rawFilename(String rawFilename) { this.rawFilename = rawFilename; return this; }

        public Builder argv(List<String> argv) { this.argv = argv; return this; }

        public Builder truncated(boolean truncated) { this.truncated = truncated; return this; }

        public Builder unwrappedFrom(String unwrappedFrom) { this.unwrappedFrom = unwrappedFrom; return this; }

        public Builder payloadCommand(String payloadCommand) { this.payloadCommand = payloadCommand; return this; }

        public Builder path(String path) { this.path = path; return this; }

        public Builder abstractPath(boolean abstractPath) { this.abstractPath = abstractPath; return this; }

        public Builder domain(String domain) { this.domain = domain; return this; }

        public Builder remote(String remote) { this.remote = remote; return this; }

        public Builder operation(String operation) { this.operation = operation; return this; }

        public Builder effectiveAction(String effectiveAction) { this.effectiveAction = effectiveAction; return this; }

        /** Replaces all type-specific fields. */
        public Builder fields(Map<String, Object> fields) {
            this.fields.clear();
            this.fields.putAll(fields);
            return this;
        }

        /** Adds one type-specific field, e.g. {@code field("exit_code", 0)}. */
        public Builder field(String key, Object value) {
            fields.put(key, value);
            return this;
        }

        public Event build() {
            return new Event(id, timestamp, type, sessionId, commandId, source, pid, policy, parentPid, depth,
                    filename, rawFilename, argv, truncated, unwrappedFrom, payloadCommand, path, abstractPath,
                    domain, remote, operation, effectiveAction, fields);
        }
    }
}
