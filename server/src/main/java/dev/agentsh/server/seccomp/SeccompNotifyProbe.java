package dev.agentsh.server.seccomp;

import dev.agentsh.kernel.detect.Probe;
import dev.agentsh.kernel.detect.ProbeResult;
import dev.agentsh.kernel.detect.Probes;
import dev.agentsh.kernel.seccomp.SeccompListener;
import dev.agentsh.kernel.seccomp.SeccompProgram;
import dev.agentsh.server.exec.LauncherBinary;
import dev.agentsh.server.exec.NativeLauncher;
import dev.agentsh.server.exec.ProcessLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;

/**
 * Whether execve interception works here, found out the way it is used: the launcher loads a notify filter for
 * execve in a child, hands over the listener, and execs {@code /bin/true}; the probe must receive that exec,
 * answer it, and see the child exit 0. An outer sandbox that blocks the filter, the listener (another listener
 * already in the chain: EBUSY) or the notify ioctls fails it, with the reason.
 */
public final class SeccompNotifyProbe implements Probe {
    private static final int WAIT_MILLIS = 5000;
    private static final byte[] EXEC_ONLY = SeccompProgram.builder()
            .notify(SeccompProgram.NR_EXECVE, SeccompProgram.NR_EXECVEAT).build().bytes();

    @Override
    public String name() {
        return Probes.SECCOMP_USER_NOTIFY;
    }

    @Override
    public ProbeResult run() throws Exception {
        Path launcherBinary = LauncherBinary.install();
        Path socketPath = launcherBinary.resolveSibling("probe-" + ProcessHandle.current().pid() + ".sock");
        try (SupervisorSocket socket = SupervisorSocket.open(socketPath)) {
            AtomicBoolean reached = new AtomicBoolean();
            ProcessLauncher.Supervision answerOne = new ProcessLauncher.Supervision() {
                @Override
                public byte[] program() {
                    return EXEC_ONLY.clone();
                }

                @Override
                public void attach(SeccompListener listener, int launcherPid) {
                    Thread.ofPlatform().daemon().name("seccomp-probe").start(() -> answer(listener, reached));
                }
            };
            Process child;
            try {
                child = new NativeLauncher(launcherBinary, socket).start(new ProcessLauncher.Launch(
                        List.of("/bin/true"), Map.of("PATH", "/usr/bin:/bin"), Path.of("/"), null, null, answerOne));
            } catch (IOException e) {
                return ProbeResult.unavailable(name(), e.getMessage());
            }
            if (!child.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                child.destroyForcibly();
                return ProbeResult.unavailable(name(), "the probe child did not finish within " + WAIT_MILLIS + " ms");
            }
            String stderr = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (child.exitValue() != 0 || !reached.get()) {
                return ProbeResult.unavailable(name(), "the filter loaded but the exec " + (!reached.get()
                        ? "never reached the supervisor" : "failed") + (stderr.isEmpty() ? "" : ": " + stderr));
            }
            // Short: it is a column of detect's table. The class comment says what was tried.
            return ProbeResult.available(name(), "install test passed");
        } finally {
            Files.deleteIfExists(socketPath);
        }
    }

    private static void answer(SeccompListener listener, AtomicBoolean reached) {
        try (listener) {
            while (true) {
                SeccompListener.Receive r = listener.receive(WAIT_MILLIS);
                if (r instanceof SeccompListener.Receive.Call call) {
                    // Set before the answer: once answered, the child may exit before this thread runs again.
                    reached.set(true);
                    listener.allow(call.notification().id());
                } else {
                    return;
                }
            }
        } catch (IOException e) {
            // The child's exec then fails or never returns; the probe reports that.
        }
    }
}
