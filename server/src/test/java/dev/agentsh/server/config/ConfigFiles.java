package dev.agentsh.server.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Writes configuration files into a test's temporary directory and builds environments that never point at the real home. */
final class ConfigFiles {
    private final Path dir;

    ConfigFiles(Path dir) {
        this.dir = dir;
    }

    Path write(String name, String text) {
        Path file = dir.resolve(name);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** HOME and XDG_RUNTIME_DIR inside the temporary directory, plus {@code extra} as name, value pairs. */
    Map<String, String> env(String... extra) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("XDG_RUNTIME_DIR", dir.resolve("run").toString());
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    ServerConfig load(String yaml, String... extraEnv) throws ConfigException {
        return ServerConfig.load(write("config.yaml", yaml), env(extraEnv));
    }

    Path dir() {
        return dir;
    }
}
