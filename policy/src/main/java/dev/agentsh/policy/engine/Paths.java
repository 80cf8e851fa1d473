package dev.agentsh.policy.engine;

import java.util.ArrayDeque;
import java.util.Deque;

/** Lexical path clean-up, so {@code /work/../etc/shadow} cannot slip past a rule for {@code /etc/**}. */
final class Paths {
    private Paths() {
    }

    /** Removes empty, {@code .} and {@code ..} segments of an absolute path; other paths are returned as given. */
    static String normalize(String path) {
        if (!path.startsWith("/") || !needsWork(path)) {
            return path;
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String seg : path.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(seg);
            }
        }
        String joined = "/" + String.join("/", parts);
        return path.endsWith("/") && !joined.equals("/") ? joined + "/" : joined;
    }

    private static boolean needsWork(String path) {
        return path.contains("//") || path.contains("/./") || path.contains("/../")
                || path.endsWith("/.") || path.endsWith("/..");
    }
}
