package dev.agentsh.policy.match;

/** A glob pattern that cannot be compiled; the message says where and why. */
public final class GlobSyntaxException extends Exception {
    public GlobSyntaxException(String pattern, int index, String problem) {
        super("bad glob \"" + pattern + "\" at character " + (index + 1) + ": " + problem);
    }
}
