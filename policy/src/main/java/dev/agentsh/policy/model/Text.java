package dev.agentsh.policy.model;

/** A string from a policy file together with where it was written, for errors found after parsing. */
public record Text(String value, Mark mark) {
    @Override
    public String toString() {
        return value;
    }
}
