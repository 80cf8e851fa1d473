package dev.agentsh.server.seccomp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentsh.policy.engine.EngineOptions;
import dev.agentsh.policy.engine.PolicyEngine;
import dev.agentsh.policy.load.PolicyLoader;
import dev.agentsh.server.approvals.ApprovalManager;
import dev.agentsh.server.events.Event;
import dev.agentsh.server.events.EventLog;
import dev.agentsh.server.events.EventQuery;
import dev.agentsh.server.exec.LauncherBinary;
import dev.agentsh.server.exec.NativeLauncher;
import dev.agentsh.server.exec.ProcessLauncher;
import dev.agentsh.server.host.HostExecutables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor on the real kernel: a command runs under the launcher's seccomp filter and every exec of its tree
 * is judged. Each test would fail with interception off: the nested programs would then simply run.
 */
class ExecveSupervisorTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
    private static final String POLICY = """
            version: 1
            name: execve-test
            command_rules:
              - name: no-nested-od
                commands: [od]
                context: [nested]
                decision: deny
                message: "od only as the session's own command"
              - name: no-base32
                commands: [base32]
                decision: deny
              - name: deep-cut
                commands: [cut]
                context: {min_depth: 2}
                decision: deny
              - name: sha1-to-echo
                commands: [sha1sum]
                decision: redirect
                redirect_to:
                  command: echo
                  args: ["substituted:"]
                  environment: {REDIRECT_NOTE: set-by-policy}
              - name: md5-to-itself
                commands: [md5sum]
                decision: redirect
                redirect_to:
                  command: md5sum
              - name: ask-for-base64
                commands: [base64]
                decision: approve
                message: "base64 needs a human"
              - name: everything-else
                commands: ["*"]
                decision: allow
            """;

    @TempDir
    static Path dir;
    private static SupervisorSocket socket;
    private static NativeLauncher launcher;
    private static EventLog events;
    private static ExecveSupervisor supervisor;
    private static ApprovalManager approvals;
    private static Path launcherBinary;
    private static final List<String> warnings = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path bin = LauncherBinary.install(dir.resolve("bin"));
        launcherBinary = bin;
        socket = SupervisorSocket.open(dir.resolve("bin/supervisor.sock"));
        launcher = new NativeLauncher(bin, socket);
        events = EventLog.open(dir.resolve("events.db"), null);
        approvals = new ApprovalManager(new ApprovalManager.Listener() {
                    @Override
                    public void requested(dev.agentsh.server.approvals.ApprovalRequest request) {
                    }

                    @Override
                    public void resolved(dev.agentsh.server.approvals.ApprovalRequest request, ApprovalManager.Answer answer) {
                    }
                });
        supervisor = new ExecveSupervisor(new ExecveSupervisor.Settings(1000, 65536,
                ExecveSupervisor.TruncatedArgv.DENY, Duration.ofSeconds(1), false, Set.of()), events, approvals,
                warnings::add, bin);
    }

    @AfterAll
    static void stop() throws Exception {
        socket.close();
        events.close();
    }

    record Run(int exit, String out, String err, List<Event> execs) {
    }

    private static Run run(String... argv) throws Exception {
        return run(supervisor, argv);
    }

    private static Run run(ExecveSupervisor supervisor, String... argv) throws Exception {
        return run(supervisor, PolicyEngine.compile(PolicyLoader.load("execve-test.yaml", POLICY),
                EngineOptions.defaults().withExecutables(new HostExecutables("/usr/bin:/bin", dir)).withApprovals(true)), argv);
    }

    private static Run run(ExecveSupervisor supervisor, PolicyEngine engine, String... argv) throws Exception {
        String commandId = "cmd-" + UUID.randomUUID();
        List<String> failures = new CopyOnWriteArrayList<>();
        ExecveSupervisor.CommandSupervision supervision = supervisor.forCommand("s1", commandId, engine, failures::add);
        Process p = launcher.start(new ProcessLauncher.Launch(List.of(argv), ENV, dir, null, null, supervision));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), UTF_8);
        int exit = p.waitFor();
        supervision.awaitRecorded();
        assertThat(failures).as("supervisor failures").isEmpty();
        List<Event> execs = events.query(EventQuery.all().withCommandId(commandId).withAscending(true)
                .withLimit(EventQuery.MAX_LIMIT));
        return new Run(exit, out, err, execs);
    }

    @Test
    void theDirectCommandIsAllowedAtDepthZero() throws Exception {
        Run r = run("od", "-c", "/dev/null");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.execs()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("execve");
            assertThat(e.depth()).isZero();
            assertThat(e.filename()).isEqualTo("/usr/bin/od");
            assertThat(e.policy().rule()).isEqualTo("everything-else");
        });
    }

    @Test
    void theSameProgramNestedIsDeniedAndTheShellSaysPermissionDenied() throws Exception {
        Run r = run("sh", "-c", "od -c /dev/null; echo after=$?");
        assertThat(r.out()).isEqualTo("after=126\n");
        assertThat(r.err()).contains("Permission denied");
        Event od = r.execs().stream().filter(e -> "/usr/bin/od".equals(e.filename())).findFirst().orElseThrow();
        assertThat(od.depth()).isEqualTo(1);
        assertThat(od.policy().rule()).isEqualTo("no-nested-od");
        assertThat(od.effectiveAction()).isEqualTo("blocked");
    }

    @Test
    void anInPlaceExecOfTheShellIsNested() throws Exception {
        // bash execs the last command of -c in place; dash forks. Both must be judged nested.
        Run r = run("bash", "-c", "od -c /dev/null");
        assertThat(r.exit()).isEqualTo(126);
        assertThat(r.err()).contains("Permission denied");
    }

    @Test
    void wrappersAndSymlinksDoNotHideTheProgram() throws Exception {
        Path link = dir.resolve("innocent");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("/usr/bin/base32"));
        Run r = run("sh", "-c", "env base32 /dev/null; echo env=$?; nice -n 5 base32 /dev/null; echo nice=$?; "
                + "./innocent /dev/null; echo link=$?; /lib64/ld-linux-x86-64.so.2 /usr/bin/base32 /dev/null; echo loader=$?");
        assertThat(r.out()).isEqualTo("env=126\nnice=126\nlink=126\nloader=126\n");
    }

    @Test
    void deniedExecsAreRecordedAfterTheAnswerWithTheirContext() throws Exception {
        Run r = run("sh", "-c", "base32 /dev/null; :");
        Event denied = r.execs().stream().filter(e -> "blocked".equals(e.effectiveAction())).findFirst().orElseThrow();
        assertThat(denied.argv()).containsExactly("base32", "/dev/null");
        assertThat(denied.rawFilename()).isEqualTo("/usr/bin/base32");
        assertThat(denied.parentPid()).isPositive();
        assertThat(denied.policy().decision()).isEqualTo("deny");
    }

    @Test
    void truncatedArgumentsAreDeniedByDefault() throws Exception {
        Run r = run("sh", "-c", "/bin/echo $(seq 1 1500) > /dev/null; echo echo=$?");
        assertThat(r.out()).isEqualTo("echo=126\n");
        Event echo = r.execs().stream().filter(e -> "/usr/bin/echo".equals(e.filename())).findFirst().orElseThrow();
        assertThat(echo.truncated()).isTrue();
        assertThat(echo.argv()).hasSize(1000);
    }

    @Test
    void moreWrappersAreUnwrapped() throws Exception {
        Run r = run("sh", "-c", "echo /dev/null | xargs base32; echo xargs=$?; timeout 5 base32 /dev/null; echo timeout=$?");
        // xargs reports 126 for a command it could not run; timeout passes 126 through.
        assertThat(r.out()).isEqualTo("xargs=126\ntimeout=126\n");
    }

    @Test
    void anExecOfAnInMemoryFileIsDenied() throws Exception {
        // fexecve: execveat(fd, "", AT_EMPTY_PATH) of a memfd holding a copy of /bin/true. No path names it.
        String script = "import os\n"
                + "fd = os.memfd_create('payload', 0)\n"
                + "os.write(fd, open('/usr/bin/true', 'rb').read())\n"
                + "try:\n    os.execve(fd, ['payload'], {})\nexcept PermissionError:\n    print('denied')\n";
        Run r = run("/usr/bin/python3", "-c", script);
        assertThat(r.out()).as(r.err()).isEqualTo("denied\n");
        assertThat(r.execs()).anySatisfy(e -> {
            assertThat(e.filename()).startsWith("/memfd:payload");
            assertThat(e.policy().rule()).isEqualTo("unverifiable");
        });
    }

    @Test
    void execveatOfADescriptorIsJudgedAsTheFileItNames() throws Exception {
        String script = "import os\n"
                + "fd = os.open('/usr/bin/base32', os.O_RDONLY)\n"
                + "try:\n    os.execve(fd, ['base32', '/dev/null'], {})\nexcept PermissionError:\n    print('denied')\n";
        Run r = run("/usr/bin/python3", "-c", script);
        assertThat(r.out()).as(r.err()).isEqualTo("denied\n");
        assertThat(r.execs()).anySatisfy(e -> {
            assertThat(e.filename()).isEqualTo("/usr/bin/base32");
            assertThat(e.rawFilename()).as("execveat with AT_EMPTY_PATH names no path").isNullOrEmpty();
        });
    }

    @Test
    void ioUringIsUnavailableUnderInterception() throws Exception {
        // io_uring_setup(1, params): ENOSYS (38) under the filter, so its opens and connects cannot bypass it.
        String script = "import ctypes, os\n"
                + "libc = ctypes.CDLL(None, use_errno=True)\n"
                + "params = ctypes.create_string_buffer(120)\n"
                + "rc = libc.syscall(425, 1, params)\n"
                + "print(rc, ctypes.get_errno())\n";
        Run r = run("/usr/bin/python3", "-c", script);
        assertThat(r.out()).as(r.err()).isEqualTo("-1 38\n");
    }

    @Test
    void anApprovalHoldsTheExecUntilAnswered() throws Exception {
        Thread approver = Thread.ofVirtual().start(() -> answerNext(true));
        Run approved = run("sh", "-c", "base64 /dev/null; echo rc=$?");
        approver.join();
        assertThat(approved.out()).isEqualTo("rc=0\n");

        approver = Thread.ofVirtual().start(() -> answerNext(false));
        Run denied = run("sh", "-c", "base64 /dev/null; echo rc=$?");
        approver.join();
        assertThat(denied.out()).isEqualTo("rc=126\n");
        assertThat(denied.execs()).anySatisfy(e -> assertThat(e.policy().message()).startsWith("approval denied"));

        // Nobody answers: after approval_timeout (1 s here) the action is deny.
        Run timedOut = run("sh", "-c", "base64 /dev/null; echo rc=$?");
        assertThat(timedOut.out()).isEqualTo("rc=126\n");
        assertThat(timedOut.execs()).anySatisfy(e -> assertThat(e.policy().message()).startsWith("approval timed out"));
    }

    /** Waits for the next pending approval and answers it. */
    private static void answerNext(boolean approve) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<dev.agentsh.server.approvals.ApprovalRequest> pending = approvals.list();
            if (!pending.isEmpty()) {
                approvals.resolve(pending.getFirst().id(), approve, approve ? "" : "not today");
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
        throw new AssertionError("no approval was asked for");
    }

    @Test
    void depthRangesFollowTheRealProcessTree() throws Exception {
        Run r = run("sh", "-c", "cut -c1 /dev/null; echo one=$?; sh -c 'cut -c1 /dev/null; echo two=$?'; "
                + "(cut -c1 /dev/null; echo subshell=$?)");
        // A forked subshell has not exec'd: its exec is one deeper than the shell that forked it, not two.
        assertThat(r.out()).isEqualTo("one=0\ntwo=126\nsubshell=0\n");
    }

    @Test
    void aProcessInAMountNamespaceOfItsOwnIsJudgedByWhatItSees() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs unshare(1) (util-linux)");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to make a mount namespace");
        // In the tree's shared root a/prog is true; in the mount namespace that unshare makes, b is bound over a,
        // so there a/prog is base32, which the policy denies. Resolved in the shared root, it would be allowed.
        Path a = Files.createDirectories(dir.resolve("ns/a"));
        Path b = Files.createDirectories(dir.resolve("ns/b"));
        Files.createSymbolicLink(a.resolve("prog"), Path.of("/usr/bin/true"));
        Files.createSymbolicLink(b.resolve("prog"), Path.of("/usr/bin/base32"));
        Run r = run("sh", "-c", "unshare -m sh -c 'mount --bind " + b + " " + a + " && " + a + "/prog /dev/null; "
                + "echo in-namespace=$?'; " + a + "/prog; echo outside=$?");
        assertThat(r.out()).as(r.err()).isEqualTo("in-namespace=126\noutside=0\n");
        assertThat(r.execs()).anySatisfy(e -> {
            assertThat(e.filename()).isEqualTo("/usr/bin/base32");
            assertThat(e.rawFilename()).isEqualTo(a + "/prog");
            assertThat(e.policy().rule()).isEqualTo("no-base32");
        });
    }

    @Test
    void aProcfsMountedElsewhereStillNamesTheProcessItself() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs unshare(1) (util-linux)");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount procfs");
        // Read by the server, <procfs>/self would be the server; the exec must be judged as the shell it really is.
        Path proc = Files.createDirectories(dir.resolve("other-proc"));
        Run r = run("sh", "-c", "unshare -m sh -c 'mount -t proc proc " + proc + " && exec " + proc
                + "/self/exe -c \"echo via-other-proc\"'; :");
        assertThat(r.out()).as(r.err()).isEqualTo("via-other-proc\n");
        assertThat(r.execs()).anySatisfy(e -> {
            assertThat(e.rawFilename()).isEqualTo(proc + "/self/exe");
            assertThat(e.filename()).isEqualTo(Path.of("/bin/sh").toRealPath().toString());
        });
    }

    @Test
    void theTreesOwnExecsResolveInItsRootWithoutProc() throws Exception {
        // Through /proc/self/exe, a magic link, the slow way must name the process's own program, not the reader's.
        Run r = run("sh", "-c", "exec /proc/self/exe -c 'echo via-self'");
        assertThat(r.out()).as(r.err()).isEqualTo("via-self\n");
        assertThat(r.execs()).anySatisfy(e -> {
            assertThat(e.rawFilename()).isEqualTo("/proc/self/exe");
            assertThat(e.filename()).isEqualTo(Path.of("/bin/sh").toRealPath().toString());
        });
    }

    @Test
    void argumentsLongerThanOneReadAreReadWhole() throws Exception {
        // Every argument's first 256 bytes come in one read; these need more, and the middle one crosses pages.
        String longer = "y".repeat(5000);
        List<String> many = new java.util.ArrayList<>(List.of("/usr/bin/printf", "%s|"));
        for (int i = 0; i < 100; i++) {
            many.add(i == 50 ? longer : "arg" + i);
        }
        Run r = run(many.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.execs()).singleElement().satisfies(e -> {
            assertThat(e.argv()).containsExactlyElementsOf(many);
            assertThat(e.truncated()).isFalse();
        });
    }

    @Test
    void aSupervisorThatGoesAwayLetsNothingMoreRun() throws Exception {
        PolicyEngine engine = PolicyEngine.compile(PolicyLoader.load("execve-test.yaml", POLICY),
                EngineOptions.defaults().withExecutables(new HostExecutables("/usr/bin:/bin", dir)));
        List<String> failures = new CopyOnWriteArrayList<>();
        ExecveSupervisor.CommandSupervision supervision = supervisor.forCommand("s1", "cmd-" + UUID.randomUUID(), engine,
                failures::add);
        Process p = launcher.start(new ProcessLauncher.Launch(
                List.of("sh", "-c", "echo ready; read go; od -c /dev/null; echo rc=$?"), ENV, dir, null, null, supervision));
        // Once the shell runs, the supervisor goes away; the shell's next exec must fail, not run unchecked.
        assertThat(new String(p.getInputStream().readNBytes(6), UTF_8)).isEqualTo("ready\n");
        supervision.abandon();
        p.getOutputStream().write("go\n".getBytes(UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), UTF_8);
        p.waitFor();
        assertThat(out).as(err).isEqualTo("rc=126\n");
        assertThat(err).contains("Function not implemented");
        assertThat(failures).singleElement().asString().contains("the supervisor was abandoned");
    }

    @Test
    void internalBypassMatchesTheCanonicalPathOnly() throws Exception {
        ExecveSupervisor bypassing = new ExecveSupervisor(new ExecveSupervisor.Settings(1000, 65536,
                ExecveSupervisor.TruncatedArgv.DENY, Duration.ofSeconds(1), false, Set.of("/usr/bin/base32")), events,
                approvals, warnings::add, launcherBinary);
        Path copy = dir.resolve("bin-copy");
        Files.createDirectories(copy);
        Files.copy(Path.of("/usr/bin/base32"), copy.resolve("base32"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Run r = run(bypassing, "sh", "-c", "base32 /dev/null; echo listed=$?; " + copy.resolve("base32") + " /dev/null; echo copy=$?");
        assertThat(r.out()).isEqualTo("listed=0\ncopy=126\n");
        assertThat(r.execs()).anySatisfy(e -> assertThat(e.policy().rule()).isEqualTo("internal_bypass"));
    }

    @Test
    void aRedirectedExecRunsTheSubstituteInTheProcesssPlace() throws Exception {
        Run r = run("sh", "-c", "sha1sum /dev/null; echo rc=$?; env sh -c 'exec sha1sum x y' | cat");
        // The substitute got the original arguments after its own, wrote to the process's stdout (a pipe in the
        // second case), and its exit status is the process's.
        assertThat(r.out()).as(r.err()).isEqualTo("substituted: /dev/null\nrc=0\nsubstituted: x y\n");
        Event redirected = r.execs().stream().filter(e -> "redirected".equals(e.effectiveAction())).findFirst().orElseThrow();
        assertThat(redirected.filename()).isEqualTo("/usr/bin/sha1sum");
        assertThat(redirected.policy().rule()).isEqualTo("sha1-to-echo");
        Event substitute = r.execs().stream().filter(e -> "/usr/bin/echo".equals(e.filename())).findFirst().orElseThrow();
        assertThat(substitute.depth()).as("the substitute runs at the redirected exec's depth").isEqualTo(redirected.depth());
        assertThat(substitute.effectiveAction()).isEqualTo("allowed");
    }

    @Test
    void theRedirectsEnvironmentReachesTheSubstitute() throws Exception {
        Path script = dir.resolve("show-note");
        Files.writeString(script, "#!/bin/sh\necho \"note=$REDIRECT_NOTE\"\n");
        script.toFile().setExecutable(true);
        PolicyEngine engine = PolicyEngine.compile(PolicyLoader.load("redirect.yaml", """
                version: 1
                name: redirect-env
                command_rules:
                  - name: od-to-script
                    commands: [od]
                    decision: redirect
                    redirect_to:
                      command: %s
                      environment: {REDIRECT_NOTE: set-by-policy}
                  - name: rest
                    decision: allow
                """.formatted(script)), EngineOptions.defaults().withExecutables(new HostExecutables("/usr/bin:/bin", dir)));
        Run r = run(supervisor, engine, "sh", "-c", "od /dev/null; :");
        assertThat(r.out()).as(r.err()).isEqualTo("note=set-by-policy\n");
    }

    @Test
    void aSubstituteThatIsRedirectedAgainIsRefused() throws Exception {
        Run r = run("sh", "-c", "md5sum /dev/null; echo rc=$?");
        // The process became the launcher, whose exec of the substitute was refused: it exits as a shell would.
        assertThat(r.out()).isEqualTo("rc=126\n");
        assertThat(r.err()).contains("agentsh-launch: exec md5sum: Permission denied");
        assertThat(r.execs()).anySatisfy(e -> assertThat(e.policy().message()).contains("cannot loop"));
    }

    @Test
    void sudoAndBusyboxDoNotHideThePayload() throws Exception {
        // scripts/setup.sh installs both; without them the wrappers cannot be tried.
        boolean sudo = Files.isExecutable(Path.of("/usr/bin/sudo"));
        boolean busybox = Files.isExecutable(Path.of("/usr/bin/busybox")) || Files.isExecutable(Path.of("/bin/busybox"));
        org.junit.jupiter.api.Assumptions.assumeTrue(sudo && busybox, "sudo or busybox is not installed (run scripts/setup.sh)");
        Run r = run("sh", "-c", "sudo -u root base32 /dev/null; echo sudo=$?; busybox base32 /dev/null; echo busybox=$?");
        // Both are refused at the wrapper's own exec: its payload is what the policy judges.
        assertThat(r.out()).as(r.err()).isEqualTo("sudo=126\nbusybox=126\n");
        assertThat(r.execs()).anySatisfy(e -> {
            assertThat(e.filename()).isEqualTo("/usr/bin/sudo");
            assertThat(e.policy().rule()).isEqualTo("no-base32");
        });
    }
}
