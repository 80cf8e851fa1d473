package dev.agentsh.server.config;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The facts about the running user that defaults depend on. Everything comes from the environment
 * map handed in, so tests can point HOME and the XDG directories at temporary folders.
 */
record Host(Map<String, String> env, Path home, long uid) {
    static Host of(Map<String, String> env) {
        Path home = Path.of(Optional.ofNullable(env.get("HOME")).filter(h -> !h.isEmpty())
                .orElse(System.getProperty("user.home")));
        return new Host(Map.copyOf(env), home, new UnixSystem().getUid());
    }

    /** The variable's value; empty when it is unset or set to the empty string (Go's convention). */
    Optional<String> get(String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isEmpty());
    }

    Path configHome() {
        return xdg("XDG_CONFIG_HOME").orElse(home.resolve(".config"));
    }

    Path dataHome() {
        return xdg("XDG_DATA_HOME").orElse(home.resolve(".local/share"));
    }

    /** Where the unix socket goes by default: per-user, so two users' servers never collide. */
    Path runtimeDir() {
        return xdg("XDG_RUNTIME_DIR").orElse(Path.of("/tmp/agentsh-" + uid));
    }

    /** The XDG spec says relative values are invalid and must be ignored. */
    private Optional<Path> xdg(String name) {
        return get(name).map(Path::of).filter(Path::isAbsolute);
    }
}
