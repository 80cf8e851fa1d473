package dev.agentsh.server.exec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.server.exec.CommandRunner.OutputListener;
import dev.agentsh.server.exec.CommandRunner.Request;
import dev.agentsh.server.exec.ProcessLauncher.Launch;
import dev.agentsh.server.exec.CommandRunner.Result;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandRunnerTest {

    private static final int MIB = 1024 * 1024;
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path dir;

    private final CommandRunner runner = new CommandRunner(Launchers.nativeLauncher(), MIB);

    private Request request(List<String> argv) {
        return new Request(new Launch(argv, ENV, dir), null, null, null);
    }

    private Result sh(String script) {
        return runner.run(request(List.of("sh", "-c", script)));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, UTF_8);
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    // --- exit codes ---

    @Test
    void exitCodes() {
        Result ok = runner.run(request(List.of("true")));
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.startError()).isNull();
        assertThat(ok.pid()).isPositive();
        assertThat(sh("exit 3").exitCode()).isEqualTo(3);
    }

    @Test
    void missingProgramExits127WithTheReason() {
        Result result = runner.run(request(List.of("no-such-program-agentsh")));

        String reason = "no such file or directory: no-such-program-agentsh";
        assertThat(result.exitCode()).isEqualTo(127);
        assertThat(result.startError()).isEqualTo(reason);
        assertThat(text(result.stderr())).isEqualTo(reason + "\n");
        assertThat(result.stderrTotalBytes()).isEqualTo(reason.length() + 1);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.pid()).isEqualTo(-1);
        assertThat(result.timedOut()).isFalse();
    }

    @Test
    void signalledCommandReports128PlusTheSignal() {
        // The JDK reports WTERMSIG + 128 for a signalled child on Linux; the runner passes it on, as a shell would.
        assertThat(sh("kill -KILL $$").exitCode()).isEqualTo(128 + 9);
        assertThat(sh("kill -TERM $$").exitCode()).isEqualTo(128 + 15);
        assertThat(sh("kill -INT $$").exitCode()).isEqualTo(128 + 2);
    }

    // --- capture ---

    @Test
    void stdoutAndStderrAreSeparate() {
        Result result = sh("echo out; echo err >&2");

        assertThat(text(result.stdout())).isEqualTo("out\n");
        assertThat(text(result.stderr())).isEqualTo("err\n");
        assertThat(result.stdoutTotalBytes()).isEqualTo(4);
        assertThat(result.stderrTotalBytes()).isEqualTo(4);
        assertThat(result.stdoutTruncated()).isFalse();
        assertThat(result.stderrTruncated()).isFalse();
    }

    @Test
    void captureStopsAtTheLimitButTotalsCountEverything() throws Exception {
        byte[] data = new byte[3 * MIB];
        new Random(42).nextBytes(data); // every byte value, including NUL and invalid UTF-8
        Files.write(dir.resolve("big.bin"), data);

        Result result = runner.run(request(List.of("sh", "-c", "cat big.bin; cat big.bin >&2")));

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo(Arrays.copyOf(data, MIB));
        assertThat(result.stdoutTotalBytes()).isEqualTo(3L * MIB);
        assertThat(result.stdoutTruncated()).isTrue();
        assertThat(result.stderr()).isEqualTo(Arrays.copyOf(data, MIB));
        assertThat(result.stderrTotalBytes()).isEqualTo(3L * MIB);
        assertThat(result.stderrTruncated()).isTrue();
    }

    @Test
    void outputOfExactlyTheLimitIsNotTruncated() {
        CommandRunner small = new CommandRunner(Launchers.nativeLauncher(), 4);
        Result result = small.run(request(List.of("printf", "abcd")));

        assertThat(text(result.stdout())).isEqualTo("abcd");
        assertThat(result.stdoutTruncated()).isFalse();
    }

    // --- stdin, environment, working directory ---

    @Test
    void stdinIsDelivered() {
        Result result = runner.run(new Request(new Launch(List.of("cat"), ENV, dir), "hello\0world".getBytes(UTF_8), null, null));

        assertThat(text(result.stdout())).isEqualTo("hello\0world");
    }

    @Test
    void largeStdinIsFedWhileOutputIsDrained() {
        // cat echoes while we are still writing: writing stdin before reading stdout would deadlock on full pipes.
        byte[] data = new byte[3 * MIB];
        new Random(7).nextBytes(data);
        CommandRunner roomy = new CommandRunner(Launchers.nativeLauncher(), 4 * MIB);

        Result result = roomy.run(new Request(new Launch(List.of("cat"), ENV, dir), data, Duration.ofSeconds(20), null));

        assertThat(result.timedOut()).isFalse();
        assertThat(result.stdout()).isEqualTo(data);
    }

    @Test
    void commandSeesEofWhenThereIsNoStdin() {
        Result result = runner.run(new Request(new Launch(List.of("cat"), ENV, dir), null, Duration.ofSeconds(10), null));

        assertThat(result.timedOut()).isFalse();
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void environmentIsExactlyTheGivenOne() {
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "AGENTSH_TEST", "x=y z");
        Result result = runner.run(new Request(new Launch(List.of("env"), env, dir), null, null, null));

        assertThat(text(result.stdout()).lines()).containsExactlyInAnyOrder("PATH=/usr/bin:/bin", "AGENTSH_TEST=x=y z");
    }

    @Test
    void workingDirectoryIsHonoured() throws Exception {
        Result result = runner.run(request(List.of("pwd")));

        assertThat(text(result.stdout())).isEqualTo(dir.toRealPath() + "\n");
    }

    // --- timeouts and kills act on the whole group ---

    @Test
    void timeoutKillsTheWholeGroup() throws Exception {
        long start = System.nanoTime();
        Result result = runner.run(new Request(new Launch(List.of("sh", "-c", "(sleep 2; touch FILE) & sleep 30"), ENV, dir), null, Duration.ofMillis(500), null));
        long elapsed = millisSince(start);

        assertThat(result.exitCode()).isEqualTo(124);
        assertThat(result.timedOut()).isTrue();
        assertThat(text(result.stderr())).isEqualTo("command timed out\n");
        assertThat(result.stderrTotalBytes()).isEqualTo("command timed out\n".length());
        assertThat(result.stdoutTruncated()).isTrue();
        assertThat(result.stderrTruncated()).isTrue();
        assertThat(elapsed).isBetween(500L, 2500L);
        assertThat(result.durationMs()).isGreaterThanOrEqualTo(500);
        assertThat(Procfs.liveGroupMembers(result.pid())).isEmpty();

        Thread.sleep(3000);
        assertThat(dir.resolve("FILE")).as("the background child was killed with the group").doesNotExist();
    }

    @Test
    void timeoutKillsNestedShells() throws Exception {
        long start = System.nanoTime();
        Result result = runner.run(new Request(new Launch(List.of("sh", "-c", "sh -c \"sleep 2; touch FILE2\" & wait"), ENV, dir), null, Duration.ofMillis(500), null));

        assertThat(result.exitCode()).isEqualTo(124);
        assertThat(text(result.stderr())).contains("command timed out");
        assertThat(millisSince(start)).isLessThan(2500);

        Thread.sleep(3000);
        assertThat(dir.resolve("FILE2")).doesNotExist();
    }

    @Test
    void timedOutOutputKeepsWhatWasWrittenAndTheNotice() {
        Result result = runner.run(new Request(new Launch(List.of("sh", "-c", "echo partial; echo warn >&2; sleep 30"), ENV, dir), null, Duration.ofMillis(500), null));

        assertThat(text(result.stdout())).isEqualTo("partial\n");
        assertThat(text(result.stderr())).isEqualTo("warn\ncommand timed out\n");
        assertThat(result.stderrTotalBytes()).isEqualTo("warn\ncommand timed out\n".length());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "sleep 10 & echo done",
        // The leader exits while our reader is blocked in read(): the JDK's own end-of-process drain cannot step
        // in then, so only the runner's bounded drain keeps run() from waiting for the sleep.
        "echo done; sleep 10 & sleep 0.3",
    })
    void backgroundGrandchildHoldingThePipeDoesNotHangTheRun(String script) throws Exception {
        long start = System.nanoTime();
        Result result = sh(script);
        try {
            assertThat(millisSince(start)).isLessThan(2000);
            assertThat(result.exitCode()).isZero();
            assertThat(text(result.stdout())).isEqualTo("done\n");
            assertThat(Procfs.liveGroupMembers(result.pid())).as("the orphaned sleep is still running").hasSize(1);
        } finally {
            ProcessGroups.signal(result.pid(), ProcessGroups.SIGKILL);
        }
    }

    @Test
    void killFromAnotherThreadTerminatesTheRunningGroup() throws Exception {
        CompletableFuture<Long> pid = new CompletableFuture<>();
        ProcessLauncher recording = launch -> {
            Process process = Launchers.nativeLauncher().start(launch);
            pid.complete(process.pid());
            return process;
        };
        CommandRunner killable = new CommandRunner(recording, MIB);
        CountDownLatch ready = new CountDownLatch(1);
        OutputListener listener = countsDownOnStdout(ready);
        CompletableFuture<Result> run = CompletableFuture.supplyAsync(() -> killable.run(new Request(
                new Launch(List.of("sh", "-c", "sleep 30 & echo ready; wait"), ENV, dir), null, null, listener)));
        assertThat(ready.await(5, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        assertThat(killable.kill(pid.get())).isTrue();
        Result result = run.get(5, TimeUnit.SECONDS);

        assertThat(millisSince(start)).isLessThan(2500);
        assertThat(result.exitCode()).isEqualTo(128 + ProcessGroups.SIGTERM);
        assertThat(result.timedOut()).isFalse();
        assertThat(Procfs.liveGroupMembers(result.pid())).isEmpty();
        assertThat(killable.kill(result.pid())).as("no longer running").isFalse();
    }

    /** Output only flows once run() has registered the command, so the first chunk means it is running. */
    private static OutputListener countsDownOnStdout(CountDownLatch latch) {
        return new OutputListener() {
            @Override
            public void stdout(byte[] chunk, int len) {
                latch.countDown();
            }

            @Override
            public void stderr(byte[] chunk, int len) {
            }
        };
    }

    @Test
    void killOfAnUnknownPidReturnsFalse() {
        assertThat(runner.kill(ProcessHandle.current().pid())).isFalse();
    }

    @Test
    void interruptingTheCallerKillsTheCommand() throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        OutputListener listener = countsDownOnStdout(ready);
        CompletableFuture<Result> result = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> result.complete(runner.run(new Request(
                new Launch(List.of("sh", "-c", "sleep 30 & echo ready; wait"), ENV, dir), null, null, listener))));
        assertThat(ready.await(5, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();

        Result killed = result.get(5, TimeUnit.SECONDS);
        assertThat(killed.exitCode()).isEqualTo(128 + ProcessGroups.SIGKILL);
        assertThat(Procfs.liveGroupMembers(killed.pid())).isEmpty();
    }

    // --- streaming ---

    @Test
    void listenerSeesEveryChunkInOrderRegardlessOfTheLimit() {
        CommandRunner small = new CommandRunner(Launchers.nativeLauncher(), 100);
        ByteArrayOutputStream streamedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream streamedErr = new ByteArrayOutputStream();
        List<Integer> chunkSizes = new ArrayList<>();
        OutputListener listener = new OutputListener() {
            @Override
            public void stdout(byte[] chunk, int len) {
                streamedOut.write(chunk, 0, len);
                chunkSizes.add(len);
            }

            @Override
            public void stderr(byte[] chunk, int len) {
                streamedErr.write(chunk, 0, len);
            }
        };
        String script = "i=0; while [ $i -lt 5000 ]; do echo out $i; echo err $i >&2; i=$((i+1)); done";

        Result result = small.run(new Request(new Launch(List.of("sh", "-c", script), ENV, dir), null, null, listener));

        StringBuilder expectedOut = new StringBuilder();
        StringBuilder expectedErr = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            expectedOut.append("out ").append(i).append('\n');
            expectedErr.append("err ").append(i).append('\n');
        }
        assertThat(streamedOut.toString(UTF_8)).isEqualTo(expectedOut.toString());
        assertThat(streamedErr.toString(UTF_8)).isEqualTo(expectedErr.toString());
        assertThat(chunkSizes).hasSizeGreaterThan(1);
        assertThat(text(result.stdout())).isEqualTo(expectedOut.substring(0, 100));
        assertThat(result.stdoutTotalBytes()).isEqualTo(expectedOut.length());
        assertThat(result.stdoutTruncated()).isTrue();
    }

    @Test
    void listenerSeesTheRunnersOwnNotices() {
        ByteArrayOutputStream streamedErr = new ByteArrayOutputStream();
        OutputListener listener = new OutputListener() {
            @Override
            public void stdout(byte[] chunk, int len) {
            }

            @Override
            public void stderr(byte[] chunk, int len) {
                streamedErr.write(chunk, 0, len);
            }
        };

        runner.run(new Request(new Launch(List.of("no-such-program-agentsh"), ENV, dir), null, null, listener));

        assertThat(streamedErr.toString(UTF_8)).isEqualTo("no such file or directory: no-such-program-agentsh\n");
    }

    @Test
    void failingListenerDoesNotBreakTheRun() {
        OutputListener listener = new OutputListener() {
            @Override
            public void stdout(byte[] chunk, int len) {
                throw new IllegalStateException("client went away");
            }

            @Override
            public void stderr(byte[] chunk, int len) {
            }
        };
        // 1 MiB is far more than a pipe holds: if the reader died with the listener, head would block forever.
        Result result = runner.run(new Request(new Launch(List.of("head", "-c", Integer.toString(MIB), "/dev/zero"), ENV, dir), null, Duration.ofSeconds(10), listener));

        assertThat(result.timedOut()).isFalse();
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdoutTotalBytes()).isEqualTo(MIB);
    }
}
