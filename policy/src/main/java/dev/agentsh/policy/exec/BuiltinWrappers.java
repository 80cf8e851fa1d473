package dev.agentsh.policy.exec;

import static dev.agentsh.policy.exec.WrapperSpec.Assignments.AMONG_OPTIONS;
import static dev.agentsh.policy.exec.WrapperSpec.Assignments.BEFORE_COMMAND;
import static dev.agentsh.policy.exec.WrapperSpec.Effect.SETS_ARGV0;
import static dev.agentsh.policy.exec.WrapperSpec.Effect.SPLIT_STRING;
import static dev.agentsh.policy.exec.WrapperSpec.Effect.TARGETS_PROCESSES;
import static dev.agentsh.policy.exec.WrapperSpec.LeadingOperand.NUMERIC_IF_PRESENT;
import static dev.agentsh.policy.exec.WrapperSpec.LeadingOperand.REQUIRED;
import static dev.agentsh.policy.exec.WrapperSpec.getopt;
import static dev.agentsh.policy.exec.WrapperSpec.multicall;
import static dev.agentsh.policy.exec.WrapperSpec.rtld;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The option tables of the built-in wrappers, transcribed from their sources (GNU coreutils, util-linux, sudo,
 * OpenBSD doas, GNU time, findutils, strace, ltrace, glibc, busybox). Where releases or documents disagree on
 * whether an option takes an argument, it is marked {@code ?} so that both readings are evaluated.
 */
final class BuiltinWrappers {

    /** Stands for the whole dynamic-loader family in {@link #names()} and in a policy's remove list. */
    static final String LD_SO = "ld.so";

    private static final WrapperSpec DYNAMIC_LOADER = rtld(LD_SO, """
            library-path: inhibit-rpath: audit: preload: argv0: glibc-hwcaps-prefix: glibc-hwcaps-mask:
            list verify inhibit-cache list-tunables list-diagnostics help version""")
            .effect(SETS_ARGV0, "--argv0")
            .build();

    private static final Map<String, WrapperSpec> BY_NAME = Stream.of(
            // -a/--argv0, --env0-from and --quoting-style are coreutils 9.5+; -P is BSD's altpath.
            getopt("env", "a:C:iP:S:u:v0", """
                    argv0: ignore-environment null unset: chdir: split-string: env0-from: quoting-style:
                    block-signal:: default-signal:: ignore-signal:: list-signal-handling debug help version""")
                    .effect(SPLIT_STRING, "-S", "--split-string")
                    .effect(SETS_ARGV0, "-a", "--argv0")
                    .assignments(BEFORE_COMMAND)
                    .loneDashIsFlag(),
            // sudo's optstring says "h::", but parse_args also takes "-h HOST" when a non-option follows.
            getopt("sudo", "Aa:BbC:c:D:Eeg:Hh?iKklNnPp:R:r:SsT:t:U:u:Vv", """
                    background preserve-env:: edit set-home login remove-timestamp list preserve-groups shell
                    other-user: validate askpass auth-type: bell close-from: login-class: chdir: group: help host:
                    reset-timestamp no-update non-interactive prompt: chroot: role: stdin command-timeout: type:
                    user: version""")
                    .assignments(AMONG_OPTIONS),
            getopt("doas", "a:C:Lnsu:", ""),
            getopt("nice", "n:", "adjustment: help version")
                    .legacyNumericFlags(),
            getopt("nohup", "", "help version"),
            getopt("time", "af:o:pqvV", "append format: output: portability quiet verbose help version"),
            // findutils declares --eof optional_argument; it is commonly documented as taking one.
            getopt("xargs", "0a:d:E:e::I:i::L:l::n:oP:prs:tx", """
                    null arg-file: delimiter: eof? replace:: max-lines:: max-args: max-procs: max-chars:
                    process-slot-var: interactive no-run-if-empty verbose exit open-tty show-limits help version"""),
            // strace 6.x declares --quiet and --decode-fds optional_argument; they are commonly given a value.
            getopt("strace", "a:Ab:cCdDe:E:fFhiI:kno:O:p:P:qrs:S:tTu:U:vVwxX:yYzZ", """
                    columns: output-append-mode detach-on: summary-only summary debug daemonize:: daemonised::
                    daemonized:: env: follow-forks output-separately help instruction-pointer interruptible:
                    kill-on-exit stack-trace:: stack-traces:: stack-trace-frame-limit: syscall-limit:
                    syscall-number output: summary-syscall-overhead: attach: trace-path: relative-timestamps::
                    string-limit: summary-sort-by: absolute-timestamps:: timestamps:: syscall-times:: user:
                    summary-columns: no-abbrev version summary-wall-clock strings-in-hex:: const-print-style:
                    pidns-translation successful-only failed-only failing-only seccomp-bpf tips:: argv0: trace:
                    trace-fds: abbrev: verbose: raw: signal: signals: status: read: write: fault: inject: kvm:
                    quiet? silent? silence? decode-fds? decode-pids: secontext::""")
                    .effect(SETS_ARGV0, "--argv0"),
            getopt("ltrace", "bcCdfhiLrStTVa:A:D:e:F:l:n:o:p:s:u:w:x:X:", """
                    align: config: debug: demangle indent: help library: output: version no-signals where:"""),
            getopt("timeout", "k:s:v", "kill-after: signal: verbose foreground preserve-status help version")
                    .leadingOperand(REQUIRED),
            getopt("stdbuf", "e:i:o:", "input: output: error: help version"),
            getopt("setsid", "cfwhV", "ctty fork wait help version"),
            // With -p, -P or -u ionice sets the priority of existing processes and runs nothing.
            getopt("ionice", "c:n:p:P:u:thV", "class: classdata: pid: pgid: uid: ignore help version")
                    .effect(TARGETS_PROCESSES, "-p", "-P", "-u", "--pid", "--pgid", "--uid"),
            getopt("taskset", "acphV", "all-tasks cpu-list pid help version")
                    .effect(TARGETS_PROCESSES, "-p", "--pid")
                    .leadingOperand(REQUIRED),
            getopt("chrt", "abdD:efGhimoP:prRT:vV", """
                    all-tasks batch deadline ext fifo idle pid help max other rr sched-runtime: sched-period:
                    sched-deadline: reset-on-fork reclaim-grub verbose version""")
                    .effect(TARGETS_PROCESSES, "-p", "--pid")
                    .leadingOperand(NUMERIC_IF_PRESENT),
            multicall("busybox"))
            .map(WrapperSpec.Builder::build)
            .collect(Collectors.toUnmodifiableMap(WrapperSpec::name, Function.identity()));

    private BuiltinWrappers() {
    }

    /** The wrapper spec for a basename, matched case-sensitively. */
    static Optional<WrapperSpec> lookup(String basename) {
        if (basename.startsWith("ld-linux") || basename.startsWith("ld-musl") || basename.equals(LD_SO)) {
            return Optional.of(DYNAMIC_LOADER);
        }
        return Optional.ofNullable(BY_NAME.get(basename));
    }

    static Stream<String> names() {
        return Stream.concat(BY_NAME.keySet().stream(), Stream.of(LD_SO));
    }
}
