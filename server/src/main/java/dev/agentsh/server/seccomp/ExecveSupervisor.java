package dev.agentsh.server.seccomp;

import dev.agentsh.kernel.Descriptors;
import dev.agentsh.kernel.Errno;
import dev.agentsh.kernel.ProcessRoot;
import dev.agentsh.kernel.Syscalls;
import dev.agentsh.kernel.TraceeMemory;
import dev.agentsh.kernel.seccomp.SeccompListener;
import dev.agentsh.kernel.seccomp.SeccompListener.Notification;
import dev.agentsh.kernel.seccomp.SeccompListener.Receive;
import dev.agentsh.kernel.seccomp.SeccompProgram;
import dev.agentsh.policy.Decision;
import dev.agentsh.policy.engine.PolicyEngine;
import dev.agentsh.policy.engine.Redirect;
import dev.agentsh.policy.engine.Verdict;
import dev.agentsh.server.approvals.ApprovalManager;
import dev.agentsh.server.events.Event;
import dev.agentsh.server.events.EventLog;
import dev.agentsh.server.exec.ProcessLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Answers every execve and execveat in a command's process tree: the kernel stops the call (seccomp user-notify),
 * this reads what is being executed, asks the policy engine at the call's real depth, and lets the call go on or
 * fails it with EACCES.
 *
 * <p>Each command gets its own listener and one platform thread that receives and answers; an approval waits on a
 * thread of its own so one held exec does not freeze the rest of the tree. Answers are given before anything is
 * recorded: events go to a queue that a recorder thread writes, and {@link CommandSupervision#awaitRecorded}
 * lets the exec response wait for them. Failing closed throughout: an unreadable call, an unresolvable file, a
 * lost lineage or an unexpected system call is denied; if the supervisor itself fails, it closes the listener,
 * after which the kernel fails every stopped call with ENOSYS.
 */
public final class ExecveSupervisor {
    /**
     * Server-wide settings ({@code sandbox.seccomp.execve}).
     *
     * @param internalBypass canonical full paths allowed without a policy check (agentsh's own binaries)
     */
    public record Settings(int maxArgc, int maxArgvBytes, TruncatedArgv onTruncated, Duration approvalTimeout,
                           boolean allowOnApprovalTimeout, Set<String> internalBypass) {
        public Settings {
            internalBypass = Set.copyOf(internalBypass);
        }
    }

    /** What to do with an exec whose arguments exceed the limits. */
    public enum TruncatedArgv { DENY, ALLOW, APPROVAL }

    /**
     * Every notify class lives in this one program and one listener: execs, and the calls that change a process's
     * root or mount namespace, which only mark the tree as no longer sharing one root.
     */
    private static final byte[] PROGRAM = SeccompProgram.builder()
            .notify(SeccompProgram.NR_EXECVE, SeccompProgram.NR_EXECVEAT)
            .notify(SeccompProgram.NR_CHROOT, SeccompProgram.NR_PIVOT_ROOT, SeccompProgram.NR_SETNS)
            .notifyIfAnyBit(SeccompProgram.NR_UNSHARE, 0, SeccompProgram.CLONE_NEWNS)
            .notifyIfAnyBit(SeccompProgram.NR_CLONE, 0, SeccompProgram.CLONE_NEWNS)
            // clone3 passes its flags in memory, where the filter cannot see CLONE_NEWNS; C libraries fall back to
            // clone on ENOSYS.
            .fail(SeccompProgram.ENOSYS, SeccompProgram.NR_CLONE3)
            // io_uring performs opens and connects no seccomp filter sees.
            .fail(SeccompProgram.ENOSYS, SeccompProgram.NR_IO_URING_SETUP, SeccompProgram.NR_IO_URING_ENTER,
                    SeccompProgram.NR_IO_URING_REGISTER)
            .build().bytes();
    private static final int RECEIVE_POLL_MILLIS = 200;
    private static final long BATCH_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int MAX_BATCH = 1024;

    /** Redirects rewrite the exec's path to {@code /dev/fd/N}: shorter original paths cannot take it. */
    private static final int SHORTEST_REWRITABLE_PATH = "/dev/fd/N".length();
    private static final String REDIRECT_SPEC_NAME = "agentsh-redirect";

    private final Settings settings;
    private final EventLog events;
    private final ApprovalManager approvals;
    private final Consumer<String> warn;
    /** The launcher, open for the server's lifetime: a redirected process execs it through this descriptor. */
    private final int launcherFd;

    /** @param launcherBinary the {@code agentsh-launch} executable, which also carries out redirects */
    public ExecveSupervisor(Settings settings, EventLog events, ApprovalManager approvals, Consumer<String> warn,
                            Path launcherBinary) throws IOException {
        this.settings = settings;
        this.events = events;
        this.approvals = approvals;
        this.warn = warn;
        this.launcherFd = Descriptors.openReadOnly(launcherBinary);
    }

    /**
     * The supervision of one command of a session, to put in its {@link ProcessLauncher.Launch}.
     *
     * @param onFailure told why, if the supervision breaks down (its tree can then exec nothing more)
     */
    public CommandSupervision forCommand(String sessionId, String commandId, PolicyEngine engine,
                                         Consumer<String> onFailure) {
        return new CommandSupervision(sessionId, commandId, engine, onFailure);
    }

    /** One command's tree under supervision. */
    public final class CommandSupervision implements ProcessLauncher.Supervision {
        private final String sessionId;
        private final String commandId;
        private final PolicyEngine engine;
        private final Consumer<String> onFailure;
        /** Processes that were redirected and have not run the substitute yet: they may not be redirected again. */
        private final Set<Integer> substituting = ConcurrentHashMap.newKeySet();
        /** Events of answered calls, built by the recorder thread (off the answering one) but timed at the answer. */
        private final LinkedBlockingQueue<Supplier<Event>> unrecorded = new LinkedBlockingQueue<>();
        /** Released by {@link #awaitRecorded} to have the recorder write its batch now. */
        private final Semaphore flushRequested = new Semaphore(0);
        private final Object recordedLock = new Object();
        private long queued;
        private long recorded;
        private SeccompListener listener;
        private ProcessLineage lineage;
        /** The launcher's root, where the tree's exec paths resolve while no process has changed its own. */
        private ProcessRoot root;
        /** Set (before the call goes on) once a process chroots, pivots, or enters or makes a mount namespace. */
        private volatile boolean rootsVary;
        private volatile boolean served;
        private volatile boolean abandoned;

        private CommandSupervision(String sessionId, String commandId, PolicyEngine engine, Consumer<String> onFailure) {
            this.sessionId = sessionId;
            this.commandId = commandId;
            this.engine = engine;
            this.onFailure = onFailure;
        }

        @Override
        public byte[] program() {
            return PROGRAM.clone();
        }

        @Override
        public void attach(SeccompListener listener, int launcherPid) throws IOException {
            this.listener = listener;
            try {
                this.lineage = new ProcessLineage(launcherPid);
                this.root = ProcessRoot.of(launcherPid);
            } catch (IOException e) {
                listener.close();
                throw e;
            }
            listener.preferSyncWakeUp();
            Thread.ofPlatform().daemon().name("execve-supervisor-" + launcherPid).start(this::serve);
            Thread.ofVirtual().name("execve-recorder-" + launcherPid).start(this::recordLoop);
        }

        /**
         * Fails the supervisor as a crash would: it reports the failure and closes the listener, after which the
         * kernel fails every exec the tree still makes with ENOSYS. For tests of that failure.
         */
        void abandon() throws InterruptedException {
            abandoned = true;
            while (!served) {
                Thread.sleep(10);
            }
        }

        /** Blocks until every event of calls answered so far is recorded. */
        public void awaitRecorded() throws InterruptedException {
            flushRequested.release();
            synchronized (recordedLock) {
                long target = queued;
                while (recorded < target) {
                    recordedLock.wait();
                }
            }
        }

        private void serve() {
            try (SeccompListener l = listener; ProcessRoot r = root) {
                serveUntilGone(l);
            } finally {
                served = true;
            }
        }

        private void serveUntilGone(SeccompListener l) {
            try {
                // The listener is closed only here, by the thread that polls it: closed from elsewhere, its number
                // could be reused by the next command's listener while this loop still polls it.
                while (true) {
                    if (abandoned) {
                        throw new IOException("the supervisor was abandoned");
                    }
                    Receive r = l.receive(RECEIVE_POLL_MILLIS);
                    if (r instanceof Receive.Gone) {
                        return;
                    }
                    if (r instanceof Receive.Call call) {
                        handleOrRefuse(call.notification());
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Closing the listener (try-with-resources) makes the kernel fail every stopped and future exec of
                // the tree with ENOSYS: a broken supervisor lets nothing through.
                warn.accept("execve supervisor of session " + sessionId + " failed; its commands can no longer exec: " + e);
                onFailure.accept("the execve supervisor failed: " + e.getMessage());
                queue(Event.builder("supervisor_failed", sessionId).commandId(commandId)
                        .field("error", String.valueOf(e.getMessage())).build());
            }
        }

        /** A bug met while judging one exec refuses that exec; only a broken listener ends the supervision. */
        private void handleOrRefuse(Notification n) throws IOException {
            try {
                handle(n);
            } catch (RuntimeException e) {
                warn.accept("execve supervisor of session " + sessionId + ": refused an exec it could not judge: " + e);
                failQuietly(n);
            }
        }

        private void handle(Notification n) throws IOException {
            switch (n.nr()) {
                case SeccompProgram.NR_EXECVE, SeccompProgram.NR_EXECVEAT -> { }
                case SeccompProgram.NR_CHROOT, SeccompProgram.NR_PIVOT_ROOT, SeccompProgram.NR_SETNS,
                     SeccompProgram.NR_UNSHARE, SeccompProgram.NR_CLONE -> {
                    // From now on every exec path is resolved in the calling process's own root.
                    rootsVary = true;
                    listener.allow(n.id());
                    return;
                }
                default -> {
                    listener.fail(n.id(), Errno.ENOSYS);
                    return;
                }
            }
            ExecveCall call;
            try {
                call = ExecveCall.read(n, settings.maxArgc(), settings.maxArgvBytes(), rootsVary ? null : root);
            } catch (IOException e) {
                refuse(n, null, "cannot read the exec from the process: " + e.getMessage());
                return;
            }
            // No NOTIF_ID_VALID check after reading: an answer reaches the call only if the process has waited in
            // it all along, keeping its pid, so what was read and looked up under that pid was its own. What acts on
            // the process before answering (a redirect, an approval) checks first.
            if (call.unresolvable()) {
                refuse(n, call, "the executable has no path to check (" + call.filename() + ")");
                return;
            }
            if (!call.exists()) {
                // What the kernel would answer itself; a shell searching PATH makes many of these.
                listener.fail(n.id(), Errno.ENOENT);
                return;
            }
            ProcessLineage.Position position;
            try {
                position = lineage.positionOf(n.pid());
            } catch (IOException gone) {
                listener.fail(n.id(), Errno.EACCES);
                return;
            }
            try (position) {
                decide(n, call, position);
            }
        }

        private void decide(Notification n, ExecveCall call, ProcessLineage.Position position) throws IOException {
            if (settings.internalBypass().contains(call.filename())) {
                answer(n, call, position, Decision.ALLOW, Event.Policy.of("allow", "allow", "internal_bypass")
                        .withMessage("agentsh's own binary"), null);
                return;
            }
            Verdict verdict = engine.checkExecve(call.filename(), call.argv(), position.depth());
            Decision decision = verdict.decision();
            String message = verdict.reason();
            if (call.truncated() && decision != Decision.DENY) {
                switch (settings.onTruncated()) {
                    case DENY -> {
                        decision = Decision.DENY;
                        message = "arguments exceed the limits (max_argc " + settings.maxArgc() + ", max_argv_bytes "
                                + settings.maxArgvBytes() + ") and on_truncated is deny";
                    }
                    case APPROVAL -> decision = Decision.APPROVE;
                    case ALLOW -> { }
                }
            }
            Event.Policy policy = Event.Policy.of(verdict, decision).withMessage(message);
            // Set until the substitute runs: the launcher's PATH search may try several candidates first.
            boolean isSubstitute = substituting.contains(n.pid());
            switch (decision) {
                case ALLOW, AUDIT -> {
                    answer(n, call, position, Decision.ALLOW, policy, verdict);
                    substituting.remove(n.pid());
                }
                case APPROVE -> {
                    if (listener.isPending(n.id())) {
                        holdForApproval(n, call, position.settled(), policy, verdict);
                    }
                }
                case REDIRECT -> {
                    if (verdict.redirect() instanceof Redirect.Command to && !isSubstitute) {
                        redirect(n, call, position, policy, verdict, to);
                    } else {
                        answer(n, call, position, Decision.DENY, policy.withMessage(isSubstitute
                                ? "the substitute of a redirect is redirected again; refused so it cannot loop"
                                : "only command redirects apply to an exec"), verdict);
                    }
                }
                default -> answer(n, call, position, Decision.DENY, policy, verdict);
            }
        }

        private void holdForApproval(Notification n, ExecveCall call, ProcessLineage.Position position,
                                     Event.Policy policy, Verdict verdict) {
            Thread.ofVirtual().name("execve-approval-" + n.pid()).start(() -> {
                try {
                    ApprovalManager.Answer a = approvals.ask(sessionId, commandId, "execve",
                            String.join(" ", call.argv()), policy.rule(), policy.message(),
                            Map.of("filename", call.filename(), "argv", call.argv(), "depth", position.depth()),
                            settings.approvalTimeout());
                    boolean allow = a.outcome() == ApprovalManager.Outcome.APPROVED
                            || (a.outcome() == ApprovalManager.Outcome.TIMED_OUT && settings.allowOnApprovalTimeout());
                    String why = switch (a.outcome()) {
                        case APPROVED -> "approved";
                        case TIMED_OUT -> "approval timed out";
                        default -> "approval denied";
                    };
                    answer(n, call, position, allow ? Decision.ALLOW : Decision.DENY,
                            policy.withMessage(why + (a.reason().isEmpty() ? "" : ": " + a.reason())), verdict);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failQuietly(n);
                } catch (IOException | RuntimeException e) {
                    failQuietly(n);
                }
            });
        }

        /**
         * Makes the process exec the substitute instead, in its own place (same pid, same stdio): the launcher is
         * injected as a descriptor and the exec's path is overwritten with {@code /dev/fd/N}; the launcher then
         * reads the substitute's argv and environment from an injected memfd and execs it, which comes back here
         * to be judged at the same depth. Where the original path is too short to overwrite, the exec is refused.
         */
        private void redirect(Notification n, ExecveCall call, ProcessLineage.Position position, Event.Policy policy,
                              Verdict verdict, Redirect.Command to) throws IOException {
            List<String> argv = to.argv(call.argv().isEmpty() ? List.of() : call.argv().subList(1, call.argv().size()));
            Event.Policy redirected = policy.withRedirect(new Event.Redirect(to.command(), to.args(), to.argsAppend(),
                    to.environment(), verdict.reason()));
            String stub = null;
            if (call.rawFilenameBytes() >= SHORTEST_REWRITABLE_PATH) {
                // The launcher first: it closes on exec, so if its path does not fit it is gone at the next exec.
                String path = "/dev/fd/" + listener.addDescriptor(n.id(), launcherFd, true);
                if (path.length() <= call.rawFilenameBytes()) {
                    int spec = Descriptors.memfd(REDIRECT_SPEC_NAME, redirectSpec(argv, to.environment()));
                    try {
                        listener.addDescriptor(n.id(), spec, false);
                    } finally {
                        Syscalls.close(spec);
                    }
                    // Writing into a process that is no longer waiting could write into another that has its pid.
                    if (!listener.isPending(n.id())) {
                        return;
                    }
                    new TraceeMemory(n.pid()).write(call.rawFilenameAddress(),
                            (path + "\0").getBytes(StandardCharsets.UTF_8));
                    stub = path;
                }
            }
            if (stub == null) {
                answer(n, call, position, Decision.DENY, redirected.withMessage("redirect to " + String.join(" ", argv)
                        + " cannot be applied to an exec of a path this short (" + call.rawFilename() + "); refused"),
                        verdict);
                return;
            }
            substituting.add(n.pid());
            if (send(n, true, 0)) {
                recordAnswered(new AnsweredExec(n, call, position, "redirected", redirected, verdict, argv));
                lineage.redirected(position);
            } else {
                substituting.remove(n.pid());
            }
        }

        /** argc, the argv entries, then NAME=VALUE entries, each NUL-terminated (see agentsh-launch.c). */
        private static byte[] redirectSpec(List<String> argv, Map<String, String> environment) {
            StringBuilder spec = new StringBuilder().append(argv.size()).append('\0');
            argv.forEach(a -> spec.append(a).append('\0'));
            environment.forEach((k, v) -> spec.append(k).append('=').append(v).append('\0'));
            return spec.toString().getBytes(StandardCharsets.UTF_8);
        }

        /**
         * Answers, then records the exec and, if it runs, the process's place in the lineage: after the event, so
         * that a failure there, which ends the supervision, leaves no counted event unqueued.
         */
        private void answer(Notification n, ExecveCall call, ProcessLineage.Position position, Decision decision,
                            Event.Policy policy, Verdict verdict) throws IOException {
            boolean allow = decision == Decision.ALLOW;
            if (!send(n, allow, Errno.EACCES)) {
                return;
            }
            recordAnswered(new AnsweredExec(n, call, position, allow ? "allowed" : "blocked", policy, verdict, null));
            if (allow) {
                lineage.executed(position);
            }
        }

        /**
         * The event of an answered exec, built by the recorder thread from what the answer knew. A class rather
         * than a lambda: the answering thread often runs code the JIT has not optimised yet, where a capturing
         * lambda is allocated through a method handle.
         */
        private final class AnsweredExec implements Supplier<Event> {
            private final Instant at = Instant.now();
            private final Notification n;
            private final ExecveCall call;
            private final ProcessLineage.Position position;
            private final String effectiveAction;
            private final Event.Policy policy;
            private final Verdict verdict;
            /** The substitute's argv, for a redirect. */
            private final List<String> redirectArgv;

            AnsweredExec(Notification n, ExecveCall call, ProcessLineage.Position position, String effectiveAction,
                         Event.Policy policy, Verdict verdict, List<String> redirectArgv) {
                this.n = n;
                this.call = call;
                this.position = position;
                this.effectiveAction = effectiveAction;
                this.policy = policy;
                this.verdict = verdict;
                this.redirectArgv = redirectArgv;
            }

            @Override
            public Event get() {
                Event.Builder e = Event.builder("execve", sessionId, at).commandId(commandId).operation("execve")
                        .pid(n.pid()).parentPid(position.parentPid()).depth(position.depth())
                        .filename(call.filename()).rawFilename(call.rawFilename()).argv(call.argv())
                        .truncated(call.truncated()).policy(policy).effectiveAction(effectiveAction);
                if (verdict != null) {
                    e.unwrappedFrom(verdict.unwrappedFrom()).payloadCommand(verdict.payloadCommand());
                }
                if (redirectArgv != null) {
                    e.field("redirect_argv", redirectArgv);
                }
                return e.build();
            }
        }

        /**
         * Answers the call: lets it run, or fails it with {@code errno}. The event is counted before the answer
         * goes out: once the process has it, the command may end at once, and {@link #awaitRecorded} must
         * already know there is an event to wait for. When this returns true the caller must hand exactly one
         * event to {@link #recordAnswered}.
         *
         * @return whether the answer reached a waiting call
         */
        private boolean send(Notification n, boolean allow, int errno) throws IOException {
            synchronized (recordedLock) {
                queued++;
            }
            boolean delivered = false;
            try {
                delivered = allow ? listener.allow(n.id()) : listener.fail(n.id(), errno);
                return delivered;
            } finally {
                if (!delivered) {
                    uncount();
                }
            }
        }

        /** Queues the event of a call {@link #send} answered, built later but timed at the answer. */
        private void recordAnswered(Supplier<Event> event) {
            unrecorded.add(event);
        }

        private void uncount() {
            synchronized (recordedLock) {
                queued--;
                recordedLock.notifyAll();
            }
        }

        /** Denies a call that could not be judged, and says why. */
        private void refuse(Notification n, ExecveCall call, String reason) throws IOException {
            if (send(n, false, Errno.EACCES)) {
                Instant at = Instant.now();
                recordAnswered(() -> {
                    Event.Builder e = Event.builder("execve", sessionId, at).commandId(commandId).operation("execve")
                            .pid(n.pid()).policy(Event.Policy.of("deny", "deny", "unverifiable").withMessage(reason))
                            .effectiveAction("blocked");
                    if (call != null) {
                        e.filename(call.filename()).rawFilename(call.rawFilename()).argv(call.argv())
                                .truncated(call.truncated());
                    }
                    return e.build();
                });
            }
        }

        private void failQuietly(Notification n) {
            try {
                listener.fail(n.id(), Errno.EACCES);
            } catch (IOException | RuntimeException ignored) {
                // The listener is gone; the kernel fails the call with ENOSYS instead.
            }
        }

        private void queue(Event event) {
            synchronized (recordedLock) {
                queued++;
            }
            unrecorded.add(() -> event);
        }

        /**
         * Runs until the tree is gone and everything it caused is recorded. Events are written in batches gathered
         * over up to {@link #BATCH_WINDOW_NANOS}: a build execs hundreds of programs a second, and one write per
         * exec would cost more than answering it. {@link #awaitRecorded} cuts the window short.
         */
        private void recordLoop() {
            List<Supplier<Event>> answered = new ArrayList<>();
            List<Event> batch = new ArrayList<>();
            while (!(served && unrecorded.isEmpty())) {
                try {
                    Supplier<Event> first = unrecorded.poll(RECEIVE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    answered.add(first);
                    // Sleep through the window rather than wake for each event; a waiting exec response ends it.
                    flushRequested.tryAcquire(BATCH_WINDOW_NANOS, TimeUnit.NANOSECONDS);
                    flushRequested.drainPermits();
                } catch (InterruptedException e) {
                    return;
                }
                unrecorded.drainTo(answered);
                try {
                    for (Supplier<Event> event : answered) {
                        batch.add(event.get());
                    }
                    events.record(batch);
                } catch (RuntimeException e) {
                    warn.accept("could not record execve events of session " + sessionId + ": " + e.getMessage());
                }
                synchronized (recordedLock) {
                    recorded += answered.size();
                    recordedLock.notifyAll();
                }
                answered.clear();
                batch.clear();
            }
        }
    }
}
