package dev.agentsh.cli;

import dev.agentsh.server.AgentshServer;
import dev.agentsh.server.ServerLog;
import dev.agentsh.server.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code agentsh train-aot}: the training run of the server's ahead-of-time cache. {@code bin/agentsh} runs it
 * under {@code -XX:AOTCacheOutput} after each build: a server on a free loopback port and a scratch data
 * directory, with the built-in policy, runs a few thousand execs (through the execve supervisor where this host
 * has seccomp user-notify), a denied command and an event query, then stops. The JVM then keeps the classes it
 * loaded and the profiles it gathered, so a server started with the cache answers its first execs with
 * optimised code instead of spending its first ten thousand compiling.
 */
@Command(name = "train-aot", hidden = true, description = "Training run for the server's AOT cache (bin/agentsh runs it).")
final class TrainAotCommand implements Callable<Integer> {
    /** Execs per round; /bin/true keeps the rounds short. */
    private static final int EXECS = 1000;
    private static final int ROUNDS = 3;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("agentsh-aot-training");
        try {
            Path workspace = Files.createDirectories(dir.resolve("workspace"));
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    data_dir: %s
                    server:
                      http:
                        addr: 127.0.0.1:0
                      unix_socket:
                        enabled: false
                    logging:
                      level: warn
                    sandbox:
                      seccomp:
                        enabled: true
                        execve:
                          enabled: true
                    """.formatted(dir.resolve("data")));
            ServerConfig cfg = ServerConfig.load(config);
            try (AgentshServer server = AgentshServer.start(cfg, new ServerLog(System.err, cfg.logging().level(),
                    cfg.logging().format()))) {
                String base = "http://" + server.listening() + "/api/v1";
                String session = field(post(base + "/sessions", "{\"workspace\":\"" + workspace + "\"}"), "id");
                // A script the pre-check can read, so the default policy runs it even where interception is off.
                String loop = "seq " + EXECS + " | xargs -n 1 /bin/true";
                for (int round = 0; round < ROUNDS; round++) {
                    post(base + "/sessions/" + session + "/exec",
                            "{\"command\":\"sh\",\"args\":[\"-c\",\"" + loop + "\"],\"include_events\":\"summary\"}");
                }
                post(base + "/sessions/" + session + "/exec", "{\"command\":\"sudo\",\"args\":[\"true\"]}");
                get(base + "/events/search?session_id=" + session + "&type=execve&limit=100");
            }
            return 0;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String post(String url, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        return read(c);
    }

    private static String get(String url) throws IOException {
        return read((HttpURLConnection) URI.create(url).toURL().openConnection());
    }

    /** The body; a refusal (403) is part of the training, anything else that fails is not. */
    private static String read(HttpURLConnection c) throws IOException {
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (status >= 400 && status != 403) {
                throw new IOException(c.getURL() + ": HTTP " + status + ": " + body);
            }
            return body;
        }
    }

    private static String field(String json, String name) throws IOException {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IOException("no " + name + " in " + json);
        }
        return m.group(1);
    }
}
