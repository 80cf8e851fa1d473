package dev.agentsh.policy.exec;

import java.util.List;

/**
 * One program invocation found while peeling wrappers.
 *
 * @param program as written (path or bare name)
 * @param argv    full argv including argv[0]
 * @param layer   0 for the exec'd program itself, 1 for the payload of the outer wrapper, ...
 */
public record Invocation(String program, List<String> argv, int layer) {

    public Invocation {
        argv = List.copyOf(argv);
    }
}
