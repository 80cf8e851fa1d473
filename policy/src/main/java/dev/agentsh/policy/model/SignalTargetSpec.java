package dev.agentsh.policy.model;

/** {@code type} is one of the target types; {@code pattern} is for type process, min/max for pid_range. */
public record SignalTargetSpec(Text type, Text pattern, int min, int max) {
}
