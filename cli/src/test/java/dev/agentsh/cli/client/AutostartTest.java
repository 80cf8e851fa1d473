package dev.agentsh.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting the local server: when it applies, exactly one launch under concurrency, and failure reports. */
class AutostartTest {
    @TempDir
    Path runtime;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    private Environment env(String... more) {
        String[] all = new String[more.length + 2];
        all[0] = "XDG_RUNTIME_DIR";
        all[1] = runtime.toString();
        System.arraycopy(more, 0, all, 2, more.length);
        return Cli.env(runtime, all);
    }

    /** What a launched server does: answer /health on the port, after a start-up delay. */
    private void serveHealthLater(int port, Duration delay) {
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(delay);
                HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
                s.createContext("/health", exchange -> FakeServer.send(exchange, 200, "text/plain", "ok\n"));
                s.start();
                servers.add(s);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void appliesOnlyToTheLocalDefaultAddressAndOnlyIfAllowed() {
        Environment allowed = Cli.env(runtime);
        assertThat(Autostart.applies(URI.create("http://127.0.0.1:18080"), allowed)).isTrue();
        assertThat(Autostart.applies(URI.create("http://localhost"), allowed)).isTrue();
        assertThat(Autostart.applies(URI.create("http://[::1]:18080"), allowed)).isTrue();
        assertThat(Autostart.applies(URI.create("http://127.0.0.1:9999"), allowed)).isFalse();
        assertThat(Autostart.applies(URI.create("http://agentsh:18080"), allowed)).isFalse();
        assertThat(Autostart.applies(URI.create("http://127.evil.com:18080"), allowed)).isFalse();
        assertThat(Autostart.applies(URI.create("https://127.0.0.1:18080"), allowed)).isFalse();
        for (String off : new String[] {"1", "true", "YES", "On"}) {
            assertThat(Autostart.applies(URI.create("http://127.0.0.1:18080"), Cli.env(runtime, "AGENTSH_NO_AUTO", off))).as(off).isFalse();
        }
        assertThat(Autostart.disabled(Cli.env(runtime, "AGENTSH_NO_AUTO", "0"))).isFalse();
    }

    @Test
    void concurrentAutostartsLaunchExactlyOneServer() throws Exception {
        int port = ExecCommandTest.closedPort();
        AtomicInteger launches = new AtomicInteger();
        Autostart.Launcher launcher = (args, log) -> {
            launches.incrementAndGet();
            serveHealthLater(port, Duration.ofMillis(300));
        };
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> results = pool.invokeAll(List.of(() -> start(port, launcher, together), () -> start(port, launcher, together)));
            for (Future<String> result : results) {
                assertThat(result.get()).isEqualTo("agentsh: auto-starting server (config built-in defaults)\n");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(launches).hasValue(1);
        assertThat(runtime.resolve(Autostart.LOCK_FILE)).exists();
    }

    private String start(int port, Autostart.Launcher launcher, CyclicBarrier together) throws Exception {
        StringWriter err = new StringWriter();
        try (ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + port), null, null)) {
            together.await();
            new Autostart(api, env(), launcher).start(new PrintWriter(err));
        }
        return err.toString();
    }

    @Test
    void aLockHeldByAnotherProcessIsWaitedFor() throws Exception {
        int port = ExecCommandTest.closedPort();
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
                runtime.resolve(Autostart.LOCK_FILE).toString(), Integer.toString(port))
                .redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream()))) {
            assertThat(lines.readLine()).isEqualTo("locked");
            AtomicInteger launches = new AtomicInteger();
            long began = System.nanoTime();
            try (ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + port), null, null)) {
                new Autostart(api, env(), (args, log) -> launches.incrementAndGet()).start(new PrintWriter(new StringWriter()));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(launches).as("the other process started the server while holding the lock").hasValue(0);
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void launchArgumentsCarryTheConfig() throws Exception {
        int port = ExecCommandTest.closedPort();
        List<List<String>> launched = new CopyOnWriteArrayList<>();
        StringWriter err = new StringWriter();
        try (ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + port), null, null)) {
            new Autostart(api, env("AGENTSH_CONFIG", "/etc/agentsh/dev.yaml"), (args, log) -> {
                launched.add(args);
                serveHealthLater(port, Duration.ZERO);
            }).start(new PrintWriter(err));
        }
        assertThat(err.toString()).isEqualTo("agentsh: auto-starting server (config /etc/agentsh/dev.yaml)\n");
        assertThat(launched).containsExactly(List.of("server", "--config", "/etc/agentsh/dev.yaml"));
        assertThat(Autostart.serverCommand("/jdk/bin/java", List.of("-XX:+UseSerialGC", "-XX:AOTCache=/opt/s.aot"),
                Path.of("/opt/agentsh.jar"), List.of("server")))
                .containsExactly("/usr/bin/setsid", "/jdk/bin/java", "-XX:+UseSerialGC", "-XX:AOTCache=/opt/s.aot", "-jar",
                        "/opt/agentsh.jar", "server");
        String before = System.getProperty(Autostart.SERVER_JVM_OPTIONS);
        try {
            System.clearProperty(Autostart.SERVER_JVM_OPTIONS);
            assertThat(Autostart.serverJvmOptions()).as("without bin/agentsh").containsExactly("--enable-native-access=ALL-UNNAMED");
            System.setProperty(Autostart.SERVER_JVM_OPTIONS, "--enable-native-access=ALL-UNNAMED\n-XX:AOTCache=/a dir/s.aot\n");
            assertThat(Autostart.serverJvmOptions()).as("one per line, spaces kept")
                    .containsExactly("--enable-native-access=ALL-UNNAMED", "-XX:AOTCache=/a dir/s.aot");
        } finally {
            if (before == null) {
                System.clearProperty(Autostart.SERVER_JVM_OPTIONS);
            } else {
                System.setProperty(Autostart.SERVER_JVM_OPTIONS, before);
            }
        }
    }

    @Test
    void aServerThatNeverComesUpIsReportedWithItsOwnOutput() throws Exception {
        int port = ExecCommandTest.closedPort();
        Path log = runtime.resolve(Autostart.LOG_FILE);
        Files.writeString(log, "output of an earlier start\n");
        Autostart.Launcher failing = (args, to) -> Files.writeString(to,
                "agentsh: listen tcp 127.0.0.1:18080: address already in use\n\nbye\n", java.nio.file.StandardOpenOption.APPEND);
        try (ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + port), null, null)) {
            Autostart autostart = new Autostart(api, env(), failing, Duration.ofMillis(300));
            assertThatThrownBy(() -> autostart.start(new PrintWriter(new StringWriter())))
                    .isInstanceOf(ClientException.class)
                    .hasMessage("server did not become ready within 300ms; see " + log
                            + " (first lines: agentsh: listen tcp 127.0.0.1:18080: address already in use | bye)");
        }
    }

    @Test
    void aRuntimeDirectoryOthersCanReachIsRefused() throws Exception {
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + ExecCommandTest.closedPort()), null, null)) {
            Autostart autostart = new Autostart(api, env(), (args, log) -> {
                throw new AssertionError("must not launch");
            });
            assertThatThrownBy(() -> autostart.start(new PrintWriter(new StringWriter())))
                    .hasMessageStartingWith("cannot auto-start the server: " + runtime + " must be a directory owned by uid")
                    .hasMessageEndingWith("with mode 0700. Start it with: agentsh server [--config FILE]");
        }
    }

    @Test
    void withoutXdgRuntimeDirAPrivateTmpDirectoryIsUsed() throws Exception {
        Path dir = new Autostart(null, Cli.env(runtime), null).runtimeDir();
        assertThat(dir.getFileName().toString()).startsWith("agentsh-");
        assertThat(dir.getParent()).isEqualTo(Path.of("/tmp"));
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }
}
