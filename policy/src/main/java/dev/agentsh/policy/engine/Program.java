package dev.agentsh.policy.engine;

import java.util.Locale;

/**
 * A program as the rules see it: {@code path} is the canonical path when it could be resolved,
 * else what was written. {@code raw} is always what was written.
 */
record Program(String raw, String path, String pathLower, String basename, String basenameLower) {
    static Program of(String raw, String canonical) {
        String path = canonical != null ? canonical : raw;
        String base = basename(path);
        return new Program(raw, path, path.toLowerCase(Locale.ROOT), base, base.toLowerCase(Locale.ROOT));
    }

    /** Resolves a program as written: a path is canonicalized, a bare name is looked up on PATH. */
    static Program resolve(String written, ExecutableResolver executables) {
        String canonical = written.indexOf('/') >= 0 ? executables.canonicalize(written) : executables.which(written);
        return of(written, canonical);
    }

    static String basename(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
