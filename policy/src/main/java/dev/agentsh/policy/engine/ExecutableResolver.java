package dev.agentsh.policy.engine;

import java.util.Map;

/**
 * How the engine learns what a program name or path really is. The engine itself makes no OS
 * calls; the caller supplies the file system view (the real one, a session's, or a fake in tests).
 */
public interface ExecutableResolver {
    /** The canonical path (absolute, symlinks resolved) of an existing file, or null. */
    String canonicalize(String path);

    /** The canonical path of what a PATH lookup of a bare {@code name} finds, or null. */
    String which(String name);

    /** Knows nothing: every name and path stands for itself. */
    ExecutableResolver LITERAL = of(Map.of());

    /**
     * A fixed view: keys with a '/' are paths mapped to their canonical path, keys without are
     * names mapped to what PATH lookup finds (already canonical).
     */
    static ExecutableResolver of(Map<String, String> entries) {
        Map<String, String> copy = Map.copyOf(entries);
        return new ExecutableResolver() {
            @Override
            public String canonicalize(String path) {
                return copy.get(path);
            }

            @Override
            public String which(String name) {
                return name.indexOf('/') >= 0 ? null : copy.get(name);
            }
        };
    }
}
