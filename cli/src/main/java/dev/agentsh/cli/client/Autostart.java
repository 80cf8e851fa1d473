package dev.agentsh.cli.client;

import dev.agentsh.policy.load.GoDurations;
import com.sun.security.auth.module.UnixSystem;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * Starts a local server for {@code exec} when none answers. Unlike the original, concurrent
 * auto-starts do not race: each takes an exclusive lock in the runtime directory, looks again, and
 * only the first one that still finds no server launches one.
 */
public final class Autostart {
    static final String LOCK_FILE = "agentsh-autostart.lock";
    static final String LOG_FILE = "agentsh-server.log";
    /** Set by bin/agentsh: the server's JVM options, one per line. */
    static final String SERVER_JVM_OPTIONS = "agentsh.server.jvm-options";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final int DEFAULT_PORT = 18080;
    private static final Set<String> YES = Set.of("1", "true", "yes", "on");
    private static final int LOG_LINES = 5;
    private static final int LOG_CHARS = 500;
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    /**
     * A FileChannel lock belongs to the whole JVM: a second lock() from another thread would throw
     * OverlappingFileLockException instead of waiting, so threads of one process queue here first.
     */
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    /** Launches {@code agentsh <serverArgs>} so that it outlives this process, output appended to {@code log}. */
    @FunctionalInterface
    public interface Launcher {
        void launch(List<String> serverArgs, Path log) throws IOException;
    }

    private final ApiClient api;
    private final Environment environment;
    private final Launcher launcher;
    private final Duration readyTimeout;

    public Autostart(ApiClient api, Environment environment, Launcher launcher) {
        this(api, environment, launcher, READY_TIMEOUT);
    }

    Autostart(ApiClient api, Environment environment, Launcher launcher, Duration readyTimeout) {
        this.api = api;
        this.environment = environment;
        this.launcher = launcher;
        this.readyTimeout = readyTimeout;
    }

    /** AGENTSH_NO_AUTO turns off starting servers and creating sessions on the fly. */
    public static boolean disabled(Environment environment) {
        String value = environment.get("AGENTSH_NO_AUTO");
        return value != null && YES.contains(value.strip().toLowerCase(Locale.ROOT));
    }

    /** Whether a server may be started for this URL: only the local default address, and only if allowed. */
    public static boolean applies(URI server, Environment environment) {
        return !disabled(environment)
                && "http".equals(server.getScheme())
                && isLoopback(server.getHost())
                && (server.getPort() == -1 || server.getPort() == DEFAULT_PORT);
    }

    private static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost") || host.matches("127(\\.\\d{1,3}){3}") || host.equals("[::1]");
    }

    /** Makes sure a server answers {@code /health}, launching one if needed; throws with the reason if none comes up. */
    public void start(PrintWriter err) {
        String config = environment.get("AGENTSH_CONFIG");
        err.println("agentsh: auto-starting server (config " + (config != null ? config : "built-in defaults") + ")");
        err.flush();
        try {
            Path dir = runtimeDir();
            IN_PROCESS.lock();
            try (FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock _ = channel.lock()) {
                if (api.healthy(PROBE_TIMEOUT)) {
                    return; // started by whoever held the lock before us
                }
                Path log = dir.resolve(LOG_FILE);
                long before = Files.exists(log) ? Files.size(log) : 0;
                launcher.launch(config == null ? List.of("server") : List.of("server", "--config", config), log);
                if (!awaitHealthy()) {
                    throw new ClientException("server did not become ready within " + GoDurations.format(readyTimeout)
                            + "; see " + log + " (" + firstLines(log, before) + ")");
                }
            } finally {
                IN_PROCESS.unlock();
            }
        } catch (IOException e) {
            throw new ClientException("cannot auto-start the server: " + ApiClient.detail(e, e.getClass().getSimpleName()) + ". Start it with: agentsh server [--config FILE]");
        }
    }

    /** The real launcher: this JVM running this jar's {@code agentsh server}, in its own session via setsid. */
    public static Launcher detachedJvm() {
        return (serverArgs, log) -> new ProcessBuilder(serverCommand(javaExecutable(), serverJvmOptions(), ownJar(), serverArgs))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** setsid puts the server outside the terminal's session, so closing it or Ctrl-C does not take the server along. */
    static List<String> serverCommand(String java, List<String> jvmOptions, Path jar, List<String> serverArgs) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/setsid", java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(serverArgs);
        return command;
    }

    /**
     * The JVM options of {@code agentsh server} as bin/agentsh starts it (its {@code agentsh.server.jvm-options}
     * property, one per line), so a server started here runs like one started by hand; without bin/agentsh, the
     * one FFM needs.
     */
    static List<String> serverJvmOptions() {
        String options = System.getProperty(SERVER_JVM_OPTIONS);
        return options == null ? List.of("--enable-native-access=ALL-UNNAMED")
                : options.lines().filter(line -> !line.isBlank()).toList();
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static Path ownJar() throws IOException {
        CodeSource source = Autostart.class.getProtectionDomain().getCodeSource();
        if (source != null) {
            try {
                Path location = Path.of(source.getLocation().toURI());
                if (Files.isRegularFile(location)) {
                    return location;
                }
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a file: reported below
            }
        }
        throw new IOException("agentsh is not running from a jar (" + (source == null ? "unknown location" : source.getLocation()) + ")");
    }

    private boolean awaitHealthy() {
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        while (!api.healthy(PROBE_TIMEOUT)) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClientException("interrupted while waiting for the server to start");
            }
        }
        return true;
    }

    /**
     * $XDG_RUNTIME_DIR, else /tmp/agentsh-UID. /tmp is shared, so a directory someone else made there
     * (or a symlink they planted) must not receive our lock and our server's log.
     */
    Path runtimeDir() throws IOException {
        long uid = new UnixSystem().getUid();
        String xdg = environment.get("XDG_RUNTIME_DIR");
        Path dir = xdg != null ? Path.of(xdg) : Path.of("/tmp", "agentsh-" + uid);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
            } catch (FileAlreadyExistsException e) {
                // made by a concurrent agentsh a moment ago; checked like any other below
            }
        }
        PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory() || owner != uid || !PRIVATE.containsAll(attributes.permissions())) {
            throw new IOException(dir + " must be a directory owned by uid " + uid + " with mode 0700");
        }
        return dir;
    }

    /** What the launched server wrote (from {@code offset}: the log is shared by every launch), abridged. */
    private static String firstLines(Path log, long offset) {
        if (!Files.exists(log)) {
            return "it wrote nothing";
        }
        String text;
        try (InputStream in = Files.newInputStream(log)) {
            in.skipNBytes(offset);
            text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "its output cannot be read: " + ApiClient.detail(e, e.getClass().getSimpleName());
        }
        String lines = text.lines().filter(l -> !l.isBlank()).limit(LOG_LINES).collect(Collectors.joining(" | "));
        if (lines.isEmpty()) {
            return "it wrote nothing";
        }
        return "first lines: " + (lines.length() > LOG_CHARS ? lines.substring(0, LOG_CHARS) + "..." : lines);
    }

    /** Runs {@code call}; when the server cannot be reached and autostart applies, starts it and runs {@code call} again. */
    static <T> T withServer(ApiClient api, Environment env, PrintWriter err, Supplier<T> call) {
        try {
            return call.get();
        } catch (ServerUnreachableException e) {
            if (!applies(api.server(), env)) {
                throw e;
            }
            new Autostart(api, env, detachedJvm()).start(err);
            return call.get();
        }
    }
}
