package dev.agentsh.policy.engine;

import java.util.List;
import java.util.Map;

/** Where a redirect decision sends the operation instead. */
public sealed interface Redirect {
    /** Run {@code command args...} in place of the original; see {@link #argv(List)}. */
    record Command(String command, List<String> args, List<String> argsAppend, Map<String, String> environment)
            implements Redirect {
        /** The substitute's argv: command, args, the original arguments, then args_append. */
        public List<String> argv(List<String> originalArgs) {
            List<String> out = new java.util.ArrayList<>();
            out.add(command);
            out.addAll(args);
            out.addAll(originalArgs);
            out.addAll(argsAppend);
            return out;
        }
    }

    record Path(String path) implements Redirect {
    }

    record Signal(int signal, String name) implements Redirect {
    }
}
