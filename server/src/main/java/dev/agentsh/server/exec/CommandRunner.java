package dev.agentsh.server.exec;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ObjIntConsumer;

/**
 * Runs one session command to completion: feeds stdin, captures stdout and stderr up to a limit, enforces the
 * timeout and supports kill requests, always acting on the command's whole process group.
 *
 * <p>Exit codes follow the shell's conventions: the command's own status; {@code 128 + N} for a command killed by
 * signal N (this is what {@link Process#exitValue()} reports on Linux JDKs, so a signalled command and one that
 * called {@code exit(128 + N)} look the same, exactly as in a shell); {@code 124} on timeout; {@code 127} when the
 * command could not be started.
 */
public final class CommandRunner {

    /**
     * Receives output as it arrives, for streaming. Calls for one run never overlap, chunks of each stream arrive
     * in order, and every byte is delivered regardless of the capture limit. {@code chunk} is reused after the call
     * returns, so copy what must be kept. A listener that throws receives nothing more; the run is unaffected.
     */
    public interface OutputListener {
        void stdout(byte[] chunk, int len);

        void stderr(byte[] chunk, int len);
    }

    /**
     * One command to run.
     *
     * @param launch   what to start and how; its terminal is set by {@link #runOnTerminal}, never by the caller
     * @param stdin    bytes to write to the command's stdin, which is then closed; {@code null} closes it at once
     * @param timeout  how long the command may run before its group is terminated; {@code null} for no limit
     * @param listener receives output as it arrives; may be {@code null}
     */
    public record Request(ProcessLauncher.Launch launch, byte[] stdin, Duration timeout, OutputListener listener) {
        public Request {
            Objects.requireNonNull(launch, "launch");
            if (launch.terminal() != null) {
                throw new IllegalArgumentException("the terminal is runOnTerminal's to set");
            }
            if (timeout != null && !timeout.isPositive()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
        }
    }

    /**
     * The outcome of a run.
     *
     * @param exitCode         see {@link CommandRunner} for the conventions
     * @param stdout           the first {@code captureLimitBytes} bytes of stdout
     * @param stderr           the first {@code captureLimitBytes} bytes of stderr, followed by the runner's own
     *                         notice ("command timed out", the start error) when there is one
     * @param stdoutTotalBytes every byte the command wrote to stdout while it was being read
     * @param stderrTruncated  whether stderr exceeded the capture limit (always set on timeout)
     * @param durationMs       from just before the start to the end of output collection
     * @param startError       why the command could not be started, else {@code null}
     * @param pid              the leader's pid (also its process group id), or {@code -1} if it never started
     */
    public record Result(int exitCode, byte[] stdout, byte[] stderr, long stdoutTotalBytes, long stderrTotalBytes,
                         boolean stdoutTruncated, boolean stderrTruncated, long durationMs, boolean timedOut,
                         String startError, long pid) {
    }

    static final int EXIT_TIMED_OUT = 124;
    static final int EXIT_START_FAILED = 127;

    /** How long a group gets between SIGTERM and SIGKILL, on timeout and on kill requests. */
    private static final Duration TERMINATE_GRACE = Duration.ofSeconds(2);
    /** How long output is still read after the leader exits; see {@link #supervise}. */
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofMillis(100);
    /** Appended to stderr when the command timed out. */
    static final String TIMED_OUT_NOTICE = "command timed out\n";
    private static final int READ_CHUNK = 16 * 1024;
    /** How often the terminal reader looks up from a quiet terminal to see whether it should stop. */
    private static final int TERMINAL_POLL_MILLIS = 50;

    private final ProcessLauncher launcher;
    private final int captureLimitBytes;
    /** Commands started by this runner that have not finished, by leader pid, so kill requests can find them. */
    private final Map<Long, Process> running = new ConcurrentHashMap<>();

    public CommandRunner(ProcessLauncher launcher, int captureLimitBytes) {
        if (captureLimitBytes < 0) {
            throw new IllegalArgumentException("captureLimitBytes must not be negative: " + captureLimitBytes);
        }
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.captureLimitBytes = captureLimitBytes;
    }

    /**
     * Runs the command to completion. Never throws for anything the command does: start failures, timeouts and
     * signals are all reported in the {@link Result}. If the calling thread is interrupted while the command runs,
     * the command's group is killed and the result returned with the interrupt flag set.
     */
    public Result run(Request request) {
        return run(request, pid -> { });
    }

    /** As {@link #run(Request)}; {@code started} learns the leader's pid as soon as it runs, so it can be killed. */
    public Result run(Request request, LongConsumer started) {
        return start(request, null, started, (process, output, startNanos) ->
                supervise(process, request.stdin(), request.timeout(), output, startNanos));
    }

    /**
     * As {@link #run(Request, LongConsumer)}, but the command's stdin, stdout and stderr are the terminal side of
     * {@code pty}: whatever the command writes there is reported as stdout (captured and passed to the listener),
     * and its input is whatever the caller writes to the {@code pty} meanwhile. {@code request.stdin()} must be null.
     */
    public Result runOnTerminal(Request request, Pty pty, LongConsumer started) {
        if (request.stdin() != null) {
            throw new IllegalArgumentException("a command on a terminal reads its input from the terminal");
        }
        return start(request, pty.terminal(), started, (process, output, startNanos) ->
                superviseOnTerminal(process, pty, request.timeout(), output, startNanos));
    }

    /** How a started command is followed to its end: with pipes or on a terminal. */
    private interface Follow {
        Result follow(Process process, Output output, long startNanos);
    }

    private Result start(Request request, Path terminal, LongConsumer started, Follow follow) {
        long startNanos = System.nanoTime();
        Output output = new Output(captureLimitBytes, request.listener());
        Process process;
        try {
            process = launcher.start(terminal == null ? request.launch() : request.launch().onTerminal(terminal));
        } catch (IOException e) {
            String reason = Objects.requireNonNullElse(e.getMessage(), e.toString());
            output.note((reason + "\n").getBytes(UTF_8));
            return output.result(EXIT_START_FAILED, false, reason, -1, elapsedMs(startNanos));
        }
        long pid = process.pid();
        running.put(pid, process);
        started.accept(pid);
        try {
            return follow.follow(process, output, startNanos);
        } finally {
            running.remove(pid);
        }
    }

    /**
     * Terminates the group of a running command started by this runner (SIGTERM, 2 s grace, SIGKILL); blocks until
     * that is done. The {@link #run} in progress then returns with the signal's exit code.
     *
     * @return false if no command with this leader pid is running
     */
    public boolean kill(long pid) {
        Process process = running.get(pid);
        if (process == null) {
            return false;
        }
        terminateGroup(process);
        return true;
    }

    private Result supervise(Process process, byte[] stdin, Duration timeout, Output output, long startNanos) {
        // Both pipes are read concurrently with the stdin writer: a command that fills one pipe while we block on
        // the other (or on writing its stdin) would otherwise deadlock.
        CountDownLatch drained = new CountDownLatch(2);
        String name = "command-" + process.pid();
        feedStdin(process.getOutputStream(), stdin, name);
        drain(process.getInputStream(), output::stdout, drained, name + "-stdout");
        drain(process.getErrorStream(), output::stderr, drained, name + "-stderr");

        boolean timedOut = awaitLeader(process, timeout);
        // The pipes only reach EOF once every process holding them has exited, and a background grandchild
        // (`sleep 10 &`) can keep them open long after the command itself is done. So output is awaited only for
        // a short drain after the leader's exit: what arrived by then is captured, anything later is discarded.
        // Closing our ends makes an orphaned reader end at its next chunk instead of draining the grandchild
        // forever; once it has, the grandchild gets EPIPE if it writes again.
        awaitDrain(drained);
        output.seal();
        closeQuietly(process.getInputStream());
        closeQuietly(process.getErrorStream());

        if (timedOut) {
            output.note(TIMED_OUT_NOTICE.getBytes(UTF_8));
        }
        int exitCode = timedOut ? EXIT_TIMED_OUT : process.exitValue();
        return output.result(exitCode, timedOut, null, process.pid(), elapsedMs(startNanos));
    }

    private static Result superviseOnTerminal(Process process, Pty pty, Duration timeout, Output output, long startNanos) {
        // A platform thread: the read is a native call that may block for as long as the terminal is quiet.
        CountDownLatch drained = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        Thread.ofPlatform().daemon().name("command-" + process.pid() + "-terminal").start(() -> {
            byte[] buffer = new byte[READ_CHUNK];
            try {
                int n;
                while (!stop.get() && (n = pty.read(buffer, TERMINAL_POLL_MILLIS)) >= 0) {
                    if (n > 0) {
                        output.stdout(buffer, n);
                    }
                }
            } catch (IOException e) {
                // The terminal failed under us; what was read so far is all there is.
            } finally {
                drained.countDown();
            }
        });
        boolean timedOut = awaitLeader(process, timeout);
        // As with pipes, a background process may keep the terminal open: read only a short while after the exit.
        awaitDrain(drained);
        stop.set(true);
        // The reader must be gone before the caller closes the pty, or it could read a recycled descriptor. It stops
        // within one poll interval, so this wait is short even when the caller is being interrupted.
        boolean interrupted = Thread.interrupted();
        while (drained.getCount() > 0) {
            try {
                drained.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        output.seal();
        if (timedOut) {
            output.note(TIMED_OUT_NOTICE.getBytes(UTF_8));
        }
        int exitCode = timedOut ? EXIT_TIMED_OUT : process.exitValue();
        return output.result(exitCode, timedOut, null, process.pid(), elapsedMs(startNanos));
    }

    /**
     * Waits until the leader has exited and been reaped. On timeout, or if the caller is interrupted, the group is
     * terminated first.
     *
     * @return whether the timeout expired
     */
    private static boolean awaitLeader(Process process, Duration timeout) {
        boolean timedOut = false;
        try {
            if (timeout == null) {
                process.waitFor();
            } else if (!process.waitFor(timeout)) {
                timedOut = true;
                terminateGroup(process);
            }
        } catch (InterruptedException e) {
            // The caller abandoned the request (e.g. server shutdown); the command must not outlive it.
            Thread.currentThread().interrupt();
            signalGroup(process, ProcessGroups.SIGKILL);
        }
        awaitExitUninterruptibly(process);
        return timedOut;
    }

    /** Bounded, because the leader has exited or been sent SIGKILL by now; an interrupt is kept for the caller. */
    private static void awaitExitUninterruptibly(Process process) {
        boolean interrupted = Thread.interrupted();
        while (true) {
            try {
                process.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitDrain(CountDownLatch drained) {
        try {
            drained.await(DRAIN_AFTER_EXIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // Abandoned request: return what has been captured so far.
            Thread.currentThread().interrupt();
        }
    }

    private static void terminateGroup(Process process) {
        try {
            ProcessGroups.terminate(process.pid(), TERMINATE_GRACE);
        } catch (IOException e) {
            // kill(2) on our own child's group cannot fail short of EPERM from a foreign security module; at least
            // stop the leader so the run ends.
            process.destroyForcibly();
        }
    }

    private static void signalGroup(Process process, int signal) {
        try {
            ProcessGroups.signal(process.pid(), signal);
        } catch (IOException e) {
            // See terminateGroup.
            process.destroyForcibly();
        }
    }

    private static void feedStdin(OutputStream stdin, byte[] bytes, String name) {
        if (bytes == null || bytes.length == 0) {
            closeQuietly(stdin);
            return;
        }
        Thread.ofVirtual().name(name + "-stdin").start(() -> {
            try (stdin) {
                stdin.write(bytes);
            } catch (IOException e) {
                // EPIPE: the command exited or closed stdin without reading everything, as commands may.
            }
        });
    }

    private static void drain(InputStream pipe, ObjIntConsumer<byte[]> sink, CountDownLatch drained, String name) {
        Thread.ofVirtual().name(name).start(() -> {
            byte[] buffer = new byte[READ_CHUNK];
            try {
                int n;
                while ((n = pipe.read(buffer)) >= 0) {
                    sink.accept(buffer, n);
                }
            } catch (IOException e) {
                // The stream was closed by supervise() after it stopped waiting for output: nothing more to read.
            } finally {
                drained.countDown();
            }
        });
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // Closing a pipe end we no longer use; there is nothing useful to do about a failure.
        }
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Both output streams of one run behind one lock, so listener calls never overlap and sealing stops capture
     * and delivery of both streams at once: nothing reaches the result or the listener after {@link #seal()}
     * except the runner's own {@link #note notices}.
     */
    private static final class Output {
        private final Capture stdout;
        private final Capture stderr;
        private OutputListener listener;
        private boolean sealed;

        Output(int limit, OutputListener listener) {
            this.stdout = new Capture(limit);
            this.stderr = new Capture(limit);
            this.listener = listener;
        }

        synchronized void stdout(byte[] chunk, int len) {
            if (!sealed) {
                stdout.add(chunk, len);
                deliver(OutputListener::stdout, chunk, len);
            }
        }

        synchronized void stderr(byte[] chunk, int len) {
            if (!sealed) {
                stderr.add(chunk, len);
                deliver(OutputListener::stderr, chunk, len);
            }
        }

        synchronized void seal() {
            sealed = true;
        }

        /** Appends the runner's own message to stderr, past the capture limit so the reason is never cut off. */
        synchronized void note(byte[] message) {
            stderr.addBeyondLimit(message);
            deliver(OutputListener::stderr, message, message.length);
        }

        synchronized Result result(int exitCode, boolean timedOut, String startError, long pid, long durationMs) {
            // A timed-out command's output is incomplete by definition, so both flags say so.
            return new Result(exitCode, stdout.bytes(), stderr.bytes(), stdout.total, stderr.total,
                    timedOut || stdout.truncated(), timedOut || stderr.truncated(), durationMs, timedOut,
                    startError, pid);
        }

        private void deliver(Delivery delivery, byte[] chunk, int len) {
            if (listener == null) {
                return;
            }
            try {
                delivery.deliver(listener, chunk, len);
            } catch (RuntimeException e) {
                // A failing listener (say, a streaming client that went away) must neither stop the capture nor
                // leave the pipe unread, which would block the command; it simply receives nothing more.
                listener = null;
            }
        }

        private interface Delivery {
            void deliver(OutputListener listener, byte[] chunk, int len);
        }
    }

    /** One stream's captured prefix and byte count; guarded by the owning {@link Output}. */
    private static final class Capture {
        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long total;

        Capture(int limit) {
            this.limit = limit;
        }

        void add(byte[] chunk, int len) {
            total += len;
            kept.write(chunk, 0, Math.clamp(limit - (long) kept.size(), 0, len));
        }

        void addBeyondLimit(byte[] bytes) {
            total += bytes.length;
            kept.writeBytes(bytes);
        }

        boolean truncated() {
            return total > kept.size();
        }

        byte[] bytes() {
            return kept.toByteArray();
        }
    }
}
