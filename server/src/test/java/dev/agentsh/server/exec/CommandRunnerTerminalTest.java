package dev.agentsh.server.exec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.server.exec.CommandRunner.OutputListener;
import dev.agentsh.server.exec.CommandRunner.Request;
import dev.agentsh.server.exec.ProcessLauncher.Launch;
import dev.agentsh.server.exec.CommandRunner.Result;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTerminalTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "TERM", "dumb");

    @TempDir
    Path dir;

    private final CommandRunner runner = new CommandRunner(Launchers.nativeLauncher(), 1 << 20);

    /** Collects terminal output and lets a test wait for a piece of it. */
    private static final class Screen implements OutputListener {
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final ByteArrayOutputStream notices = new ByteArrayOutputStream();

        @Override
        public synchronized void stdout(byte[] chunk, int len) {
            seen.write(chunk, 0, len);
            notifyAll();
        }

        /** A terminal has no separate stderr: only the runner's own notices arrive here. */
        @Override
        public synchronized void stderr(byte[] chunk, int len) {
            notices.write(chunk, 0, len);
        }

        synchronized String notices() {
            return notices.toString(UTF_8);
        }

        synchronized void await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!text().contains(text)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                assertThat(left).as("waiting for %s in %s", text, text()).isPositive();
                wait(left);
            }
        }

        synchronized String text() {
            return seen.toString(UTF_8).replace("\r", "");
        }
    }

    @Test
    void anInteractiveCommandReadsWhatIsTypedAndItsOutputIsCaptured() throws Exception {
        Screen screen = new Screen();
        try (Pty pty = Pty.open(24, 80)) {
            CompletableFuture<Result> run = CompletableFuture.supplyAsync(() -> runner.runOnTerminal(new Request(
                    new Launch(List.of("sh", "-c", "printf 'name? '; read name; echo \"hello $name\" >&2; exit 3"), ENV, dir), null, null, screen), pty, pid -> { }));
            screen.await("name? ");
            pty.write("agent\n".getBytes(UTF_8), 0, 6);
            Result result = run.get(10, TimeUnit.SECONDS);
            assertThat(result.exitCode()).isEqualTo(3);
            // The terminal echoes what was typed, and stderr goes to the same terminal.
            assertThat(screen.text()).isEqualTo("name? agent\nhello agent\n");
            assertThat(new String(result.stdout(), UTF_8).replace("\r", "")).isEqualTo(screen.text());
            assertThat(screen.notices()).isEmpty();
        }
    }

    @Test
    void controlCTypedIntoTheTerminalInterruptsTheForegroundCommand() throws Exception {
        Screen screen = new Screen();
        try (Pty pty = Pty.open(24, 80)) {
            CompletableFuture<Result> run = CompletableFuture.supplyAsync(() -> runner.runOnTerminal(new Request(
                    new Launch(List.of("sh", "-c", "echo ready; exec sleep 30"), ENV, dir), null, null, screen), pty, pid -> { }));
            screen.await("ready");
            pty.write(new byte[] {3}, 0, 1);
            Result result = run.get(10, TimeUnit.SECONDS);
            assertThat(result.exitCode()).as("killed by SIGINT from the line discipline").isEqualTo(128 + 2);
        }
    }

    @Test
    void timeoutKillsTheGroupAndSaysSo() throws Exception {
        Screen screen = new Screen();
        try (Pty pty = Pty.open(24, 80)) {
            Result result = runner.runOnTerminal(new Request(new Launch(List.of("sh", "-c", "(sleep 2; touch LATE) & sleep 30"),
                    ENV, dir), null, Duration.ofMillis(500), screen), pty, pid -> { });
            assertThat(result.exitCode()).isEqualTo(124);
            assertThat(result.timedOut()).isTrue();
            assertThat(screen.notices()).isEqualTo("command timed out\n");
            Thread.sleep(2500);
            assertThat(dir.resolve("LATE")).doesNotExist();
        }
    }

    @Test
    void aBackgroundProcessHoldingTheTerminalDoesNotHoldTheRun() throws Exception {
        Screen screen = new Screen();
        try (Pty pty = Pty.open(24, 80)) {
            long started = System.nanoTime();
            Result result = runner.runOnTerminal(new Request(new Launch(List.of("sh", "-c", "sleep 5 & echo done"), ENV, dir), null, null, screen), pty, pid -> { });
            assertThat(result.exitCode()).isZero();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(4000);
            assertThat(screen.text()).contains("done");
            ProcessGroups.signal(result.pid(), ProcessGroups.SIGKILL);
        }
    }

    @Test
    void resizeReachesTheCommand() throws Exception {
        Screen screen = new Screen();
        try (Pty pty = Pty.open(24, 80)) {
            CompletableFuture<Result> run = CompletableFuture.supplyAsync(() -> runner.runOnTerminal(new Request(
                    new Launch(List.of("sh", "-c", "trap 'stty size; exit 0' WINCH; echo ready; while :; do sleep 0.05; done"),
                    ENV, dir), null, Duration.ofSeconds(20), screen), pty, pid -> { }));
            screen.await("ready");
            pty.resize(50, 132);
            Result result = run.get(10, TimeUnit.SECONDS);
            assertThat(result.exitCode()).isZero();
            assertThat(screen.text()).endsWith("50 132\n");
        }
    }
}
