package dev.agentsh.bench;

import dev.agentsh.policy.engine.EngineOptions;
import dev.agentsh.policy.engine.ExecutableResolver;
import dev.agentsh.policy.engine.PolicyEngine;
import dev.agentsh.policy.engine.Verdict;
import dev.agentsh.policy.load.PolicyLoader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decisions per second on one core for a 200-rule policy: 70 command, 70 file and 60 network
 * rules, asked a fixed mix of questions that hit early, late and no rule at all.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PolicyDecisionBench {
    private PolicyEngine engine;
    private List<String>[] commands;
    private String[] execPaths;
    private List<String>[] execArgv;
    private String[] filePaths;
    private String[] fileOps;
    private String[] hosts;
    private int[] ports;
    private int next;

    @Setup
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        engine = PolicyEngine.compile(PolicyLoader.load("bench-200", GeneratedPolicy.yaml()),
                EngineOptions.defaults().withVariables(Map.of("PROJECT_ROOT", "/home/user/project", "HOME", "/home/user")::get)
                        .withExecutables(ExecutableResolver.LITERAL));
        commands = new List[] {
            List.of("tool3", "build"), List.of("tool55", "-rf", "/"), List.of("git", "status"),
            List.of("rm", "-rf", "/tmp/x"), List.of("unknown-tool"), List.of("make", "-j2")};
        execPaths = new String[] {"/usr/bin/tool10", "/usr/bin/env", "/usr/local/bin/tool66", "/opt/unknown"};
        execArgv = new List[] {List.of("tool10", "x"), List.of("env", "FOO=1", "tool20", "y"), List.of("tool66"), List.of("unknown")};
        filePaths = new String[] {"/home/user/project/src/Main.java", "/etc/shadow", "/usr/lib/libc.so.6",
            "/home/user/.ssh/id_rsa", "/var/data/dir40/file", "/nowhere/at/all"};
        fileOps = new String[] {"write", "open", "open", "open", "write", "write"};
        hosts = new String[] {"api.domain5.com", "registry.domain59.org", "github.com", "evil.example", "10.1.2.3"};
        ports = new int[] {443, 443, 22, 443, 80};
    }

    @Benchmark
    public Verdict mixedDecision() {
        int i = next++;
        return switch (i & 3) {
            case 0 -> engine.checkCommand(commands[i % commands.length]);
            case 1 -> engine.checkExecve(execPaths[i % execPaths.length], execArgv[i % execArgv.length], i % 3);
            case 2 -> engine.checkFile(filePaths[i % filePaths.length], fileOps[i % fileOps.length]);
            default -> engine.checkNetwork(hosts[i % hosts.length], ports[i % ports.length], List.of());
        };
    }

    @Benchmark
    public Verdict commandDecision() {
        return engine.checkCommand(commands[next++ % commands.length]);
    }

    @Benchmark
    public Verdict execveDecision() {
        int i = next++;
        return engine.checkExecve(execPaths[i % execPaths.length], execArgv[i % execArgv.length], i % 3);
    }

    @Benchmark
    public Verdict fileDecision() {
        int i = next++;
        return engine.checkFile(filePaths[i % filePaths.length], fileOps[i % fileOps.length]);
    }

    @Benchmark
    public Verdict networkDecision() {
        int i = next++;
        return engine.checkNetwork(hosts[i % hosts.length], ports[i % ports.length], List.of());
    }
}
