package dev.agentsh.policy.model;

/** Where something was written: the source (a file path or a built-in name), 1-based line and column. */
public record Mark(String source, int line, int column) {
    public static final Mark NONE = new Mark("<none>", 0, 0);

    @Override
    public String toString() {
        return line > 0 ? source + ":" + line + ":" + column : source;
    }
}
