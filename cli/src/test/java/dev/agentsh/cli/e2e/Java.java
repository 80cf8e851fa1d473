package dev.agentsh.cli.e2e;

import java.util.List;
import java.util.Map;

/** How the end-to-end tests start {@code dev.agentsh.cli.Main} in a child JVM: this JVM's java and class path. */
final class Java {
    private Java() {
    }

    /** {@code java [options] -cp <our class path>}; the main class and its arguments follow. */
    static List<String> command() {
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no path to java"));
        return List.of(java,
                // What bin/agentsh uses: a short-lived CLI starts faster with these.
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"));
    }

    /**
     * Removes what the developer's or CI's environment could leak into a child: every {@code AGENTSH_*}
     * variable (AGENTSH_DATA_DIR or AGENTSH_HTTP_ADDR would override the test's config, AGENTSH_SESSION_ID
     * would pick the session) and the tracing header.
     */
    static void scrub(Map<String, String> env) {
        env.keySet().removeIf(name -> name.startsWith("AGENTSH_") || name.equals("TRACEPARENT"));
    }
}
